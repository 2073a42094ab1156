//! `hisgw migrate`: creates or upgrades hisgw's own tables (the payment
//! ledger, the outbox) in each hospital's database. Safe to run again.

use std::process::ExitCode;

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::Common,
    #[arg(long)]
    pub hospital: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.common.settings()?;
    let ids = match args.hospital {
        Some(id) => vec![id],
        None => s.hospitals.clone().unwrap_or_else(|| {
            let (mappings, _) = hisgw::mapping::load_all(&s.mappings_dir, None);
            mappings.into_iter().map(|m| m.id).collect()
        }),
    };
    for id in ids {
        let mapping = super::load_mapping(&s, &id)?;
        let db = super::open_for_setup(&s, &mapping).await?;
        let dialect = db.dialect();
        let applied = hisgw::ledger::migrate(&db, dialect)
            .await
            .with_context(|| format!("hospital {id}"))?;
        let version = hisgw::ledger::version(&db, dialect).await?;
        if applied.is_empty() {
            println!("{id}: ledger at version {version}, up to date");
        } else {
            println!("{id}: applied ledger migration(s) {applied:?}; now at version {version}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
