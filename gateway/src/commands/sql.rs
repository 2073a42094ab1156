//! `hisgw sql`: runs script files against a hospital's database (T-SQL
//! split into batches on GO lines), e.g. to load the demo HIS.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: super::OneHospital,
    /// Create the hospital's SQL Server database first if it is missing.
    #[arg(long)]
    pub create_database: bool,
    /// Script files, run in order.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.target.common.settings()?;
    let mapping = super::load_mapping(&s, &args.target.hospital)?;
    if args.create_database {
        if let Some(name) = hisgw::execute::create_database(&mapping.database).await? {
            println!("database {name} is there");
        }
    }
    let db = super::open_for_setup(&s, &mapping).await?;
    for file in args.files {
        let script = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        db.run_script(script)
            .await
            .with_context(|| format!("{}", file.display()))?;
        println!("ran {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}
