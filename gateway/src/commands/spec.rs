//! `hisgw spec [METHOD]`: the field reference — every method's request and
//! response fields with type, required or conditional, and section — as
//! `mappings/METHODS.md` holds it, or one method's part of it.

use std::process::ExitCode;

use hisgw::catalogue::{self, reference};

#[derive(clap::Args)]
pub struct Args {
    /// A method name (or a push's dataType); without it, every method.
    pub method: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.method {
        None => print!("{}", reference::markdown()),
        Some(name) => match catalogue::find_any(&name) {
            Some(method) => print!("{}", reference::method(method)),
            None => {
                eprintln!("hisgw: {name} is no method of the spec (`hisgw spec` lists them all)");
                return Ok(ExitCode::from(2));
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}
