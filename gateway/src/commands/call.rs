//! `hisgw call`: answers one call in-process and prints the response XML.

use std::process::ExitCode;

use hisgw::decode::RawRequest;

#[derive(clap::Args)]
#[group(id = "call")]
pub struct Args {
    #[command(flatten)]
    pub target: super::OneHospital,
    /// The method name, e.g. queryPatientInfo.
    pub method: String,
    /// Request fields as name=value.
    pub fields: Vec<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.target.common.settings()?;
    let pairs = super::name_values(&args.fields)?;
    if hisgw::catalogue::find_inbound(&args.method).is_none() {
        anyhow::bail!("unknown method {:?}", args.method);
    }
    let (gateway, _) = super::one_hospital(&s, &args.target.hospital).await?;
    let reply = match gateway
        .call(&args.target.hospital, &args.method, &RawRequest::new(pairs))
        .await
    {
        Ok(reply) => reply,
        Err(e) => e.to_reply().1.into(),
    };
    println!("{}", hisgw::encode::encode_xml(&reply));
    Ok(if reply.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
