//! Reconciliation: the platform's ledger of a day (13.3 checkAccount)
//! against the hospital's (13.2 GetChecLedgerDetail, from the hospital's
//! mapping or the gateway's payment ledger). Every payment and refund is
//! matched by tradeNo; whatever does not match is a difference: missing on
//! one side, a different amount, or a refund on one side only or of
//! another amount.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{OutboundError, Platform};
use crate::catalogue::{field, CHECK_ACCOUNT, GET_CHEC_LEDGER_DETAIL};
use crate::decode::RawRequest;
use crate::hospitals::Hospital;
use crate::money::{format_money, parse_decimal};
use crate::pipeline::Gateway;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The platform took the money; the HIS has no booking.
    MissingAtHis,
    /// The HIS booked it; the platform has no such order that day.
    MissingAtPlatform,
    AmountDiffers,
    /// A refund on one side only, or of another amount.
    RefundDiffers,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::MissingAtHis => "missing at HIS",
            Kind::MissingAtPlatform => "missing at platform",
            Kind::AmountDiffers => "amount differs",
            Kind::RefundDiffers => "refund differs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: Kind,
    pub trade_no: String,
    pub refund: bool,
    pub transaction_type: String,
    pub his: Option<Decimal>,
    pub platform: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub hospital: String,
    pub date: NaiveDate,
    pub his_orders: usize,
    pub his_total: Decimal,
    pub platform_orders: usize,
    pub platform_total: Decimal,
    pub differences: Vec<Difference>,
}

/// One side's entries: by (tradeNo, is refund) the summed amount and type.
type Side = BTreeMap<(String, bool), (Decimal, String)>;

pub async fn reconcile(
    gateway: &Gateway,
    hospital: &Hospital,
    date: NaiveDate,
) -> Result<Report, OutboundError> {
    let platform = Platform::of(hospital)?;
    let day = date.format("%Y-%m-%d").to_string();
    let theirs = platform_side(&platform, &day).await?;
    let ours = his_side(gateway, &hospital.mapping.id, &day).await?;
    Ok(compare(&hospital.mapping.id, date, &ours, &theirs))
}

async fn platform_side(platform: &Platform<'_>, day: &str) -> Result<Side, OutboundError> {
    let fields = vec![
        (field::CHECK_DATE.to_string(), day.to_string()),
        (
            field::HOSPITAL_ID.to_string(),
            platform.client.hospital_id().to_string(),
        ),
    ];
    let answer = platform.client.call(&CHECK_ACCOUNT, &fields).await?;
    if answer.outcome != super::client::Outcome::Success {
        return Err(OutboundError::Refused(format!(
            "{} for {day}: {}",
            CHECK_ACCOUNT.name, answer.message
        )));
    }
    let mut side = Side::new();
    for row in &answer.rows {
        let get = |k: &str| {
            row.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        let refund = get(field::ORDER_TYPE) == "2";
        add(
            &mut side,
            get(field::TRADE_NO),
            refund,
            get(field::CASH),
            get(field::TRANSACTION_TYPE),
        )?;
    }
    Ok(side)
}

async fn his_side(gateway: &Gateway, hospital: &str, day: &str) -> Result<Side, OutboundError> {
    let details = GET_CHEC_LEDGER_DETAIL.name;
    let request = RawRequest::new(vec![(field::CHECK_DATE.into(), day.into())]);
    let reply = gateway
        .call(hospital, details, &request)
        .await
        .map_err(|e| OutboundError::Refused(format!("{details} for {day}: {e}")))?;
    if !reply.is_success() {
        return Err(OutboundError::Refused(format!(
            "{details} for {day}: {}",
            reply.message
        )));
    }
    let mut side = Side::new();
    let rows = reply
        .body
        .iter()
        .flat_map(|b| b.list.iter())
        .flat_map(|l| l.rows.iter());
    for row in rows {
        let get = |k: &str| {
            row.fields
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        let refund = get(field::CHANNEL) == "1";
        add(
            &mut side,
            get(field::TRADE_NO),
            refund,
            get(field::AMOUNT),
            get(field::TRANSACTION_TYPE),
        )?;
    }
    Ok(side)
}

fn add(
    side: &mut Side,
    trade_no: &str,
    refund: bool,
    amount: &str,
    ty: &str,
) -> Result<(), OutboundError> {
    let amount = parse_decimal(amount).ok_or_else(|| {
        OutboundError::Refused(format!(
            "order {trade_no}: amount {amount:?} is not a number"
        ))
    })?;
    let entry = side
        .entry((trade_no.to_string(), refund))
        .or_insert((Decimal::ZERO, ty.to_string()));
    entry.0 += amount;
    Ok(())
}

/// Every difference between the two sides, ordered by tradeNo.
pub fn compare(hospital: &str, date: NaiveDate, ours: &Side, theirs: &Side) -> Report {
    let mut differences = Vec::new();
    let keys: std::collections::BTreeSet<&(String, bool)> =
        ours.keys().chain(theirs.keys()).collect();
    for key in keys {
        let (trade_no, refund) = key;
        let his = ours.get(key);
        let platform = theirs.get(key);
        let kind = match (his, platform) {
            (Some((a, _)), Some((b, _))) if a == b => continue,
            _ if *refund => Kind::RefundDiffers,
            (Some(_), Some(_)) => Kind::AmountDiffers,
            (None, Some(_)) => Kind::MissingAtHis,
            (Some(_), None) => Kind::MissingAtPlatform,
            (None, None) => continue,
        };
        differences.push(Difference {
            kind,
            trade_no: trade_no.clone(),
            refund: *refund,
            transaction_type: his.or(platform).map(|(_, t)| t.clone()).unwrap_or_default(),
            his: his.map(|(a, _)| *a),
            platform: platform.map(|(a, _)| *a),
        });
    }
    let total = |side: &Side| {
        side.iter()
            .filter(|((_, r), _)| !r)
            .map(|(_, (a, _))| *a)
            .sum()
    };
    let count = |side: &Side| side.keys().filter(|(_, r)| !r).count();
    Report {
        hospital: hospital.to_string(),
        date,
        his_orders: count(ours),
        his_total: total(ours),
        platform_orders: count(theirs),
        platform_total: total(theirs),
        differences,
    }
}

fn amount(a: Option<Decimal>) -> String {
    a.map(format_money).unwrap_or_else(|| "-".into())
}

/// The report as a readable table.
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "reconciliation of {} for {}: HIS {} payments {} yuan; platform {} payments {} yuan; {} difference(s)\n",
        r.hospital,
        r.date,
        r.his_orders,
        format_money(r.his_total),
        r.platform_orders,
        format_money(r.platform_total),
        r.differences.len()
    );
    if !r.differences.is_empty() {
        out.push_str(&format!(
            "{:<22} {:<28} {:<8} {:<4} {:>12} {:>12}\n",
            "difference", "tradeNo", "order", "type", "HIS", "platform"
        ));
        for d in &r.differences {
            out.push_str(&format!(
                "{:<22} {:<28} {:<8} {:<4} {:>12} {:>12}\n",
                d.kind.label(),
                d.trade_no,
                if d.refund { "refund" } else { "payment" },
                d.transaction_type,
                amount(d.his),
                amount(d.platform)
            ));
        }
    }
    out
}

/// The differences as CSV (UTF-8 with a byte-order mark, which Excel needs
/// to read Chinese text).
pub fn csv(r: &Report) -> String {
    let mut out = String::from(
        "\u{feff}difference,tradeNo,order,transactionType,his_amount,platform_amount\n",
    );
    for d in &r.differences {
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            d.kind.label(),
            quoted(&d.trade_no),
            if d.refund { "refund" } else { "payment" },
            quoted(&d.transaction_type),
            amount(d.his),
            amount(d.platform)
        ));
    }
    out
}

/// Writes `reconcile-{hospital}-{date}.csv` into `dir`; returns its path.
pub fn write_csv(r: &Report, dir: &Path) -> std::io::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("reconcile-{}-{}.csv", r.hospital, r.date));
    std::fs::write(&path, csv(r))?;
    Ok(path)
}

/// `serve`'s daily run: once the configured time has passed, reconcile the
/// previous day (once per day) and keep the report.
pub async fn maybe_daily(
    gateway: &Gateway,
    hospital: &Hospital,
    data_dir: &Path,
    last: &mut Option<NaiveDate>,
) {
    let Some(config) = hospital.mapping.reconcile.as_ref() else {
        return;
    };
    let Some(at) = config.daily_time() else {
        return;
    };
    let now = crate::clock::now();
    let today = now.date();
    if now.time() < at || *last == Some(today) {
        return;
    }
    *last = Some(today);
    let Some(yesterday) = today.pred_opt() else {
        return;
    };
    let dir = data_dir.join(&config.reports_dir);
    match reconcile(gateway, hospital, yesterday).await {
        Ok(report) => {
            let summary = dir.join(format!("reconcile-{}-{}.txt", report.hospital, report.date));
            let written = write_csv(&report, &dir)
                .and_then(|csv| std::fs::write(&summary, table(&report)).map(|()| csv));
            match written {
                Ok(csv) => {
                    tracing::info!(hospital = %hospital.mapping.id, date = %yesterday, differences = report.differences.len(), report = %csv.display(), "daily reconciliation")
                }
                Err(e) => {
                    tracing::warn!(hospital = %hospital.mapping.id, date = %yesterday, differences = report.differences.len(), error = %e, dir = %dir.display(), "daily reconciliation report not written")
                }
            }
        }
        Err(e) => {
            tracing::warn!(hospital = %hospital.mapping.id, date = %yesterday, error = %e, "daily reconciliation failed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(entries: &[(&str, bool, &str)]) -> Side {
        let mut s = Side::new();
        for (t, r, a) in entries {
            add(&mut s, t, *r, a, "2").unwrap();
        }
        s
    }

    #[test]
    fn every_kind_of_difference_is_found() {
        let ours = side(&[
            ("A", false, "10.00"),
            ("B", false, "5"),
            ("C", false, "7.50"),
            ("E", false, "1"),
            ("E", true, "1"),
        ]);
        let theirs = side(&[
            ("A", false, "10"),
            ("B", false, "5.01"),
            ("D", false, "3"),
            ("E", false, "1"),
        ]);
        let r = compare(
            "h",
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            &ours,
            &theirs,
        );
        let kinds: Vec<(Kind, &str)> = r
            .differences
            .iter()
            .map(|d| (d.kind, d.trade_no.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::AmountDiffers, "B"),
                (Kind::MissingAtPlatform, "C"),
                (Kind::MissingAtHis, "D"),
                (Kind::RefundDiffers, "E"),
            ]
        );
        assert_eq!(r.his_orders, 4);
        assert_eq!(format_money(r.platform_total), "19.01");
        let csv = csv(&r);
        assert_eq!(csv.lines().count(), 5);
        assert!(table(&r).contains("missing at HIS"));
    }
}
