//! The SQL Server backend against a real server (`HISGW_TEST_MSSQL_URL`;
//! skipped with a message when unset): type mapping both ways including a
//! GBK-collated varchar round trip, varchar binding, stored procedures with
//! several result sets and return codes, pool exhaustion and recovery after
//! the connection is killed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use hisgw::execute::mssql::{connect, run_batches};
use hisgw::execute::{ExecError, Param, Statement, Value};
use hisgw_e2e::mssql::{client_config, TestDatabase};
use hisgw_e2e::{field, spawn_app_with};
use rust_decimal::Decimal;

fn stmt(sql: &str, params: &[Option<&str>]) -> Vec<Statement> {
    vec![Statement::new(
        sql,
        params
            .iter()
            .map(|p| p.map_or(Param::Null, |t| Param::Text(t.to_string())))
            .collect(),
    )]
}

fn dec(s: &str) -> Value {
    Value::Decimal(s.parse::<Decimal>().unwrap())
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn at(date: &str, time: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

#[tokio::test]
async fn types_decode_exactly_and_chinese_varchar_round_trips() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    db.run(
        "CREATE TABLE dbo.type_probe (
            id int IDENTITY PRIMARY KEY,
            v varchar(20) COLLATE Chinese_PRC_CI_AS, c char(6), nv nvarchar(20), nc nchar(6),
            dt datetime, dt2 datetime2(3), sdt smalldatetime, d date, tm time(0),
            de decimal(12,2), nu numeric(18,4), m money, sm smallmoney,
            i int, bi bigint, si smallint, ti tinyint, b bit, n int NULL)
        GO
        INSERT dbo.type_probe (v, c, nv, nc, dt, dt2, sdt, d, tm, de, nu, m, sm, i, bi, si, ti, b, n)
        VALUES ('张三', 'A01', N'李四', N'王五', '2026-03-29T02:30:00', '2026-03-29T02:30:00.123',
                '2026-03-29T02:30:00', '2026-03-29', '08:30:00', 12345.67, 0.0125, 2013.61, 15.5,
                1, 9007199254740993, -3, 255, 1, NULL)",
    )
    .await;
    let pool = db.pool(2, 5_000);
    let sets = pool
        .query(stmt(
            "SELECT v, c, nv, nc, dt, dt2, sdt, d, tm, de, nu, m, sm, i, bi, si, ti, b, n FROM dbo.type_probe",
            &[],
        ))
        .await
        .unwrap();
    let row = &sets[0][0].rows[0];
    let expected = vec![
        text("张三"),
        text("A01"),
        text("李四"),
        text("王五"),
        Value::DateTime(at("2026-03-29", "02:30:00")),
        Value::DateTime(at("2026-03-29", "02:30:00.123")),
        Value::DateTime(at("2026-03-29", "02:30:00")),
        Value::Date(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()),
        text("08:30:00"),
        dec("12345.67"),
        dec("0.0125"),
        dec("2013.61"),
        dec("15.5"),
        Value::Int(1),
        Value::Int(9007199254740993),
        Value::Int(-3),
        Value::Int(255),
        Value::Int(1),
        Value::Null,
    ];
    for (i, (got, want)) in row.iter().zip(&expected).enumerate() {
        let got = match (got, want) {
            (Value::Decimal(g), Value::Decimal(_)) => Value::Decimal(g.normalize()),
            _ => got.clone(),
        };
        let want = match want {
            Value::Decimal(w) => Value::Decimal(w.normalize()),
            w => w.clone(),
        };
        assert_eq!(got, want, "column {}", sets[0][0].columns[i]);
    }

    // Chinese text bound as a parameter lands in the GBK column and comes back.
    let sets = pool
        .query(stmt(
            "INSERT dbo.type_probe (v, nv) VALUES (@P1, @P1); SELECT v, nv FROM dbo.type_probe WHERE id = SCOPE_IDENTITY()",
            &[Some("张三丰·测试")],
        ))
        .await
        .unwrap();
    let set = sets[0].last().unwrap();
    assert_eq!(set.rows[0], vec![text("张三丰·测试"), text("张三丰·测试")]);
}

#[tokio::test]
async fn varchar_bound_parameters_match_gbk_columns() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    db.run(
        "CREATE TABLE dbo.card_probe (card_no varchar(20) COLLATE Chinese_PRC_CI_AS PRIMARY KEY, name varchar(20) COLLATE Chinese_PRC_CI_AS)
        GO
        INSERT dbo.card_probe VALUES ('100034567', '张三'), ('12345678', '李明')",
    )
    .await;
    // The mapping file says the parameters bind as varchar: the gateway
    // casts them, so SQL Server compares varchar with varchar.
    let file = std::path::Path::new("queryPatientInfo.mssql.sql");
    let sql = "-- @varchar :patientCard\nSELECT name AS realName, card_no AS idCard, '' AS phone FROM dbo.card_probe WHERE card_no = :patientCard AND name = :patientCard + ''";
    let method = hisgw::catalogue::find_inbound("queryPatientInfo").unwrap();
    let sections =
        hisgw::mapping::load_method(method, file, sql, hisgw::execute::Dialect::Mssql, &[])
            .unwrap();
    assert!(
        sections[0]
            .sql
            .contains("card_no = CAST(@P1 AS VARCHAR(8000))"),
        "{}",
        sections[0].sql
    );

    let pool = db.pool(1, 5_000);
    let sets = pool
        .query(stmt(
            "SELECT name FROM dbo.card_probe WHERE name = CAST(@P1 AS VARCHAR(8000))",
            &[Some("李明")],
        ))
        .await
        .unwrap();
    assert_eq!(sets[0][0].rows, vec![vec![text("李明")]]);
}

#[tokio::test]
async fn procedures_feed_several_parts_and_return_codes_set_the_result() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    db.run(
        "CREATE PROCEDURE dbo.usp_lis_report @reportId varchar(64) AS
        BEGIN
            SET NOCOUNT ON;
            IF @reportId <> 'R1' RETURN 1;
            SELECT N'李明' AS realName, N'男' AS sex, '24' AS age, CAST('2026-01-02' AS date) AS checkDate, N'检验报告' AS type;
            SELECT N'白细胞计数' AS itemName, N'全血' AS sample, '12.6' AS realResult, '3.5-9.5' AS referprint, N'偏高' AS conclusion
            UNION ALL SELECT N'血红蛋白', N'全血', '146', '130-175', N'正常';
            RETURN 0;
        END
        GO
        CREATE PROCEDURE dbo.usp_check_card @card varchar(20), @name nvarchar(20) AS
        BEGIN
            SET NOCOUNT ON;
            IF @card <> '100034567' RETURN 1;
            IF @name <> N'张三' RETURN 2;
            RETURN 0;
        END",
    )
    .await;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("proc");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hospital.toml"),
        format!(
            "id = \"proc\"\nname = \"存储过程医院\"\n[database]\nkind = \"mssql\"\nconnection_string = {:?}\n",
            db.connection_string()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("findCompleteLISReport.sql"),
        "-- One procedure returns the header and the items.\n-- @section header, content\nEXEC dbo.usp_lis_report @reportId = :reportId\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("checkPatientCard.sql"),
        "-- @section header\nDECLARE @rc int;\nEXEC @rc = dbo.usp_check_card @card = :patientCard, @name = :realName;\nSELECT CASE @rc WHEN 0 THEN 'success' ELSE 'error' END AS result,\n       CASE @rc WHEN 0 THEN N'' WHEN 1 THEN N'就诊卡号不存在' ELSE N'姓名与卡号不符' END AS message;\n",
    )
    .unwrap();
    let app = spawn_app_with(Some(root.path().to_path_buf())).await;

    let a = app
        .post(
            "proc",
            "findCompleteLISReport",
            "<request><reportId>R1</reportId><checkType>1</checkType></request>",
        )
        .await;
    a.assert_success();
    assert_eq!(a.text("realName").as_deref(), Some("李明"));
    assert_eq!(a.text("checkDate").as_deref(), Some("2026-01-02"));
    let rows = a.rows();
    assert_eq!(rows.len(), 2);
    assert_eq!(field(&rows[1], "itemName"), Some("血红蛋白"));

    // Return code 1: no result sets at all → the configured empty answer.
    let a = app
        .post(
            "proc",
            "findCompleteLISReport",
            "<request><reportId>R9</reportId><checkType>1</checkType></request>",
        )
        .await;
    assert_eq!(a.result(), "error");

    let card = |card: &str, name: &str| {
        format!("<request><patientCard>{card}</patientCard><realName>{name}</realName><idCard>x</idCard><phone>1</phone></request>")
    };
    app.post("proc", "checkPatientCard", card("100034567", "张三"))
        .await
        .assert_success();
    let a = app
        .post("proc", "checkPatientCard", card("999", "张三"))
        .await;
    assert_eq!(
        (a.result().as_str(), a.message().as_str()),
        ("error", "就诊卡号不存在")
    );
    let a = app
        .post("proc", "checkPatientCard", card("100034567", "李四"))
        .await;
    assert_eq!(
        (a.result().as_str(), a.message().as_str()),
        ("error", "姓名与卡号不符")
    );
}

/// Holds a row lock from a second session, as a busy HIS does: statements
/// that update the row wait for it, keeping their pooled connection.
async fn lock_row(
    db: &TestDatabase,
) -> hisgw::execute::mssql::tiberius::Client<tokio_util::compat::Compat<tokio::net::TcpStream>> {
    db.run("CREATE TABLE dbo.lock_probe (id int PRIMARY KEY, x int)\nGO\nINSERT dbo.lock_probe VALUES (1, 0)").await;
    let mut admin = connect(client_config(&db.url, &db.name)).await.unwrap();
    run_batches(
        &mut admin,
        "BEGIN TRANSACTION; UPDATE dbo.lock_probe SET x = x + 1 WHERE id = 1;",
    )
    .await
    .unwrap();
    admin
}

async fn release(
    mut admin: hisgw::execute::mssql::tiberius::Client<
        tokio_util::compat::Compat<tokio::net::TcpStream>,
    >,
) {
    run_batches(&mut admin, "COMMIT").await.unwrap();
}

const WAIT_FOR_LOCK: &str =
    "UPDATE dbo.lock_probe SET x = x + 1 WHERE id = 1; SELECT x FROM dbo.lock_probe WHERE id = 1";

#[tokio::test]
async fn exhausted_pool_answers_busy_within_the_checkout_timeout() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let admin = lock_row(&db).await;
    let pool = Arc::new(db.pool(1, 400));
    // Making the pool's one connection (TLS, login) may take longer than
    // the checkout timeout on a loaded test server: wait until it is there.
    for attempt in 1.. {
        match pool.query(stmt("SELECT 1 AS x", &[])).await {
            Ok(_) => break,
            Err(ExecError::Busy(_)) if attempt < 50 => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(e) => panic!("the pool does not connect: {e}"),
        }
    }
    let holder = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.query(stmt(WAIT_FOR_LOCK, &[])).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let err = pool.query(stmt("SELECT 1 AS x", &[])).await.unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, ExecError::Busy(_)), "{err}");
    assert!(waited < Duration::from_millis(1_500), "waited {waited:?}");
    let (_, reply) = hisgw::pipeline::CallError::Execute {
        method: "findAllDepartments",
        source: err,
    }
    .to_reply();
    assert!(
        reply.message.contains("HIS database busy"),
        "{}",
        reply.message
    );
    release(admin).await;
    holder.await.unwrap().unwrap();
    // Once the holder is done, the pool serves again.
    pool.query(stmt("SELECT 1 AS x", &[])).await.unwrap();
}

#[tokio::test]
async fn the_pool_never_opens_more_than_its_maximum() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let admin = lock_row(&db).await;
    let pool = Arc::new(db.pool(3, 20_000));
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            pool.query(stmt(WAIT_FOR_LOCK, &[])).await
        }));
    }
    let mut most = 0;
    let deadline = Instant::now() + Duration::from_millis(1_500);
    while Instant::now() < deadline {
        most = most.max(pool.pool_stats().size);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    release(admin).await;
    while tasks.iter().any(|t| !t.is_finished()) {
        most = most.max(pool.pool_stats().size);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        most, 3,
        "the waiting calls fill the pool to its maximum and no further"
    );
}

#[tokio::test]
async fn a_killed_connection_heals_on_the_next_call() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let pool = db.pool(1, 5_000);
    let spid = match &pool
        .query(stmt("SELECT @@SPID AS spid", &[]))
        .await
        .unwrap()[0][0]
        .rows[0][0]
    {
        Value::Int(n) => *n,
        other => panic!("spid {other:?}"),
    };
    let mut admin = connect(client_config(&db.url, &db.name)).await.unwrap();
    run_batches(&mut admin, &format!("KILL {spid}"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sets = pool
        .query(stmt("SELECT @@SPID AS spid", &[]))
        .await
        .unwrap();
    assert_ne!(
        sets[0][0].rows[0][0],
        Value::Int(spid),
        "a new session serves the call"
    );
}

#[tokio::test]
async fn live_check_passes_on_the_demo() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let mappings = db.write_demo_mappings(root.path());
    let settings = hisgw_e2e::test_settings(root.path().join("data"), Some(mappings));
    let report = hisgw::check::check(&settings, true).await;
    let text: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
    assert_eq!(report.errors(), 0, "{text:#?}");
    assert!(
        text.iter()
            .any(|t| t.contains("findOutpatientPay") && t.contains("answered success")),
        "{text:#?}"
    );
}
