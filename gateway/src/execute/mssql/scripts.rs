//! T-SQL scripts and databases: `GO`-separated batches, the database an
//! ADO.NET connection string names, and creating a database for the demo
//! or a test (`hisgw sql --create-database`).

use super::options::MssqlOptions;
use super::{connect, TdsClient};
use crate::execute::ExecError;

/// Creates the configured database on the server if it does not exist yet
/// (connecting to `master`), so a demo or test database can be set up with
/// the gateway alone.
pub async fn create_database(options: &MssqlOptions) -> Result<String, ExecError> {
    let name = options
        .database
        .clone()
        .ok_or_else(|| ExecError::Unavailable("no database named in the configuration".into()))?;
    let mut master = options.config.clone();
    master.database("master");
    let mut client = tokio::time::timeout(options.connect_timeout, connect(master))
        .await
        .map_err(|_| ExecError::Unavailable("connect timed out".into()))??;
    // The name is a bound parameter; QUOTENAME makes it a safe identifier.
    client
        .execute(
            "DECLARE @n sysname = @P1; IF DB_ID(@n) IS NULL BEGIN DECLARE @s nvarchar(400) = N'CREATE DATABASE ' + QUOTENAME(@n); EXEC (@s); END",
            &[&name.as_str()],
        )
        .await
        .map_err(|e| ExecError::Sql {
            statement: 0,
            message: format!("CREATE DATABASE {name}: {e}"),
        })?;
    Ok(name)
}

/// Runs the `GO`-separated batches of `script` on `client`.
pub async fn run_batches(client: &mut TdsClient, script: &str) -> Result<(), ExecError> {
    for (n, batch) in split_batches(script).into_iter().enumerate() {
        let result = async {
            let stream = client.simple_query(batch.as_str()).await?;
            stream.into_results().await?;
            Ok::<_, tiberius::error::Error>(())
        }
        .await;
        result.map_err(|e| ExecError::Sql {
            statement: n,
            message: format!("batch {}: {e}", n + 1),
        })?;
    }
    Ok(())
}

/// The `Database`/`Initial Catalog` of an ADO.NET connection string.
pub fn ado_database(connection_string: &str) -> Option<String> {
    connection_string.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let k = k.trim().to_ascii_lowercase();
        (k == "database" || k == "initial catalog").then(|| v.trim().to_string())
    })
}

/// Splits a script on lines that hold only `GO` (any case).
pub fn split_batches(script: &str) -> Vec<String> {
    let mut batches = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        if line.trim().eq_ignore_ascii_case("go") {
            if !current.trim().is_empty() {
                batches.push(std::mem::take(&mut current));
            }
            current.clear();
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.trim().is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_on_go_lines_only() {
        let b = split_batches(
            "CREATE TABLE a(x int)\nGO\n  go  \nINSERT a VALUES (1) -- go\nGOTO x\nGo\n",
        );
        assert_eq!(
            b,
            vec![
                "CREATE TABLE a(x int)\n",
                "INSERT a VALUES (1) -- go\nGOTO x\n"
            ]
        );
    }
}
