//! `hisgw wsdl`: prints a hospital's WSDL 1.1 (the service at /soap/{hospital}).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: super::OneHospital,
    /// The service address to print when hospital.toml sets none
    /// ([soap] address), e.g. http://10.1.2.3:8080/soap/demo.
    #[arg(long)]
    pub address: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.target.common.settings()?;
    let mapping = super::load_mapping(&s, &args.target.hospital)?;
    let fallback = args.address.unwrap_or_else(|| {
        let port = s.listen.rsplit(':').next().unwrap_or("8080");
        format!("http://localhost:{port}/soap/{}", args.target.hospital)
    });
    print!("{}", hisgw::http::service_description(&mapping, &fallback));
    Ok(ExitCode::SUCCESS)
}
