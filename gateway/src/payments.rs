//! Payments: books each payment notification (5.3 subscriptionPay, 6.3
//! payRegister, 8.3 outpatientPay, 10.1 prePayExpense, 11.2 rechargeECard)
//! exactly once per tradeNo, as the spec demands of a HIS: a retry of a
//! booked order gets the first answer again, byte for byte; a retry while
//! the first is in flight waits for it; a retry with another amount,
//! patient or method is refused and books nothing; a business refusal is
//! recorded and replayed; a transient failure records nothing.
//!
//! How: one transaction claims the tradeNo in the ledger (`hisgw_payment`,
//! primary key), runs the hospital's mapping, and settles the claim with
//! the answer — so the ledger row and the HIS booking commit together or
//! not at all, whichever gateway process runs it. In one process a
//! per-tradeNo lock makes duplicates queue instead of each holding a
//! database connection. This module owns that protocol and the §17 sign
//! check of the notifications that carry one. It must never format wire
//! bytes or decide a business outcome itself: the mapping decides
//! `result` and `isRefund`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use rust_decimal::Decimal;
use tokio::sync::Mutex as AsyncMutex;

use crate::catalogue::{field, Method, PaymentRule, SignRule};
use crate::decode::RawRequest;
use crate::execute::{Database, Decision, Dialect, Ending, ExecError, Settle};
use crate::ledger::{self, Claim, Entry, Settlement, State};
use crate::mapping::MethodPlan;
use crate::shape::{Body, Reply, Rows, ShapeError};
use crate::sign;
use crate::validate::Params;
use crate::writes::{self, Shaper};

/// The longest tradeNo the ledger keeps (platform order numbers are ~20).
const MAX_TRADE_NO: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Invalid(#[from] crate::validate::ValidationError),
    #[error("签名错误，不予记账 (sign does not match the request; nothing was booked)")]
    BadSign,
    #[error("医院未配置签名密钥 (no sign key is configured for this hospital)")]
    NoKey,
    #[error("tradeNo 过长 (tradeNo longer than {MAX_TRADE_NO} characters)")]
    TradeNoTooLong,
    #[error("订单 {trade_no} 已按另一{what}记账，本次通知不予记账 (tradeNo {trade_no} was booked with another {what_en}; this notification booked nothing)")]
    Mismatch {
        trade_no: String,
        what: &'static str,
        what_en: &'static str,
    },
    #[error(transparent)]
    Execute(#[from] ExecError),
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error("HIS 未返回处理结果，未记账 (the mapping returned no row with a result column; nothing was booked)")]
    NoResult,
    #[error("账本中的应答无法读取 (the ledger's stored answer of tradeNo {0} is unreadable)")]
    Stored(String),
    #[error("订单正在处理中，请稍后重试 (tradeNo {0} is being booked elsewhere; try again)")]
    Contended(String),
}

/// One hospital's side of a booking.
pub struct Booking<'a> {
    pub hospital: &'a str,
    pub db: &'a Database,
    pub dialect: Dialect,
    pub sign_key: Option<&'a str>,
    pub plan: &'a MethodPlan,
}

/// The per-process part of exactly-once: who is booking which tradeNo.
#[derive(Default)]
pub struct Payments {
    inflight: Mutex<HashMap<String, Weak<AsyncMutex<()>>>>,
}

impl Payments {
    /// Books one payment notification, or replays its first answer.
    pub async fn book(
        &self,
        b: &Booking<'_>,
        request: &RawRequest,
        params: &Params,
    ) -> Result<Reply, PaymentError> {
        let method = b.plan.method;
        let Some(rule) = method.payment() else {
            return Err(PaymentError::NoResult);
        };
        if method.sign == Some(SignRule::Verify) {
            let key = b.sign_key.ok_or(PaymentError::NoKey)?;
            let given = request.get(field::SIGN).unwrap_or_default();
            let fields = request
                .fields()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()));
            if !sign::verify(fields, key, given) {
                return Err(PaymentError::BadSign);
            }
        }
        let claim = claim_of(method, rule, params)?;
        let lock = self.lock(b.hospital, &claim.trade_no);
        let _turn = lock.lock().await;
        // A claim is taken only by a transaction that has committed by the
        // time we hear of it, so the next lookup finds its answer; the loop
        // only guards against a row deleted by hand in between.
        for _ in 0..3 {
            if let Some(entry) = find(b, &claim.trade_no).await? {
                return replay(method, &claim, &entry);
            }
            if let Some(reply) = try_book(b, &claim, params).await? {
                return Ok(reply);
            }
        }
        Err(PaymentError::Contended(claim.trade_no))
    }

    fn lock(&self, hospital: &str, trade_no: &str) -> Arc<AsyncMutex<()>> {
        let key = format!("{hospital}\u{0}{trade_no}");
        let mut map = self.inflight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(lock) = map.get(&key).and_then(Weak::upgrade) {
            return lock;
        }
        if map.len() >= 1024 {
            map.retain(|_, w| w.strong_count() > 0);
        }
        let lock = Arc::new(AsyncMutex::new(()));
        map.insert(key, Arc::downgrade(&lock));
        lock
    }
}

/// What a notification claims: its tradeNo and the facts a retry must repeat.
fn claim_of(
    method: &'static Method,
    rule: &'static PaymentRule,
    params: &Params,
) -> Result<Claim, PaymentError> {
    let value = |name: &str| {
        method
            .request
            .fields
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| params.value(i))
            .map(str::to_string)
    };
    let trade_no = value(field::TRADE_NO).unwrap_or_default();
    if trade_no.chars().count() > MAX_TRADE_NO {
        return Err(PaymentError::TradeNoTooLong);
    }
    let amount = value(rule.amount)
        .and_then(|a| crate::money::parse_decimal(&a))
        .unwrap_or(Decimal::ZERO);
    let patient = rule
        .patient
        .iter()
        .map(|f| value(f).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("|");
    Ok(Claim {
        trade_no,
        method: method.name,
        transaction_type: rule.transaction_type,
        data_src: rule.data_src,
        order_ref: rule.order.and_then(value),
        amount,
        patient,
        pay_type: value(field::PAY_TYPE),
        payed_time: value(field::PAYED_TIME).unwrap_or_default(),
    })
}

async fn find(b: &Booking<'_>, trade_no: &str) -> Result<Option<Entry>, PaymentError> {
    let sets =
        b.db.query(vec![ledger::lookup(b.dialect, trade_no)])
            .await?;
    Ok(ledger::entry(&sets))
}

/// The first answer again, if this retry is the same payment.
fn replay(method: &'static Method, claim: &Claim, entry: &Entry) -> Result<Reply, PaymentError> {
    let differs = if entry.method != method.name {
        Some(("支付方式", "method"))
    } else if entry.amount != claim.amount {
        Some(("金额", "amount"))
    } else if entry.patient != claim.patient {
        Some(("就诊人", "patient"))
    } else {
        None
    };
    if let Some((what, what_en)) = differs {
        tracing::warn!(trade_no = %claim.trade_no, booked_method = %entry.method, method = method.name, what = what_en, "retry differs from the booked payment; refused");
        return Err(PaymentError::Mismatch {
            trade_no: claim.trade_no.clone(),
            what,
            what_en,
        });
    }
    stored_reply(method, &entry.reply).ok_or_else(|| PaymentError::Stored(claim.trade_no.clone()))
}

/// Claims, books and settles in one transaction. `None`: another
/// transaction holds the claim (and has committed by now).
async fn try_book(
    b: &Booking<'_>,
    claim: &Claim,
    params: &Params,
) -> Result<Option<Reply>, PaymentError> {
    let method = b.plan.method;
    let shaper = Shaper::of(b.plan);
    let (dialect, trade_no) = (b.dialect, claim.trade_no.clone());
    let decide = move |rows: Rows| {
        let outcome = settlement(&shaper, rows);
        let settle = match &outcome {
            Ok((State::Booked, s)) => {
                Settle::Commit(vec![ledger::settle(dialect, &trade_no, State::Booked, s)])
            }
            // A refusal keeps nothing the mapping did, but is recorded.
            Ok((State::Refused, s)) => {
                Settle::UndoWork(vec![ledger::settle(dialect, &trade_no, State::Refused, s)])
            }
            Err(_) => Settle::Abort,
        };
        Decision {
            settle,
            answer: outcome,
        }
    };
    let claimed = Some((ledger::claim(b.dialect, claim), ClaimHeld));
    let Ok(written) = writes::run(b.db, b.plan, params, claimed, decide).await? else {
        return Ok(None);
    };
    let (state, s) = written.answer?;
    if written.ending == Ending::RolledBack {
        return Err(PaymentError::NoResult);
    }
    if crate::execute::rehearsal::rolls_back() {
        tracing::info!(hospital = b.hospital, method = method.name, trade_no = %claim.trade_no, amount = %claim.amount, state = ?state, "payment rehearsed: rolled back, nothing booked");
    } else {
        tracing::info!(hospital = b.hospital, method = method.name, trade_no = %claim.trade_no, amount = %claim.amount, state = ?state, "payment settled");
    }
    stored_reply(method, &s.reply)
        .map(Some)
        .ok_or_else(|| PaymentError::Stored(claim.trade_no.clone()))
}

/// The claim of a tradeNo is held by another transaction.
struct ClaimHeld;

/// The answer of a mapping's rows, and what the ledger records of it.
fn settlement(shaper: &Shaper, rows: Rows) -> Result<(State, Settlement), PaymentError> {
    if !has_result(&rows) {
        return Err(PaymentError::NoResult);
    }
    let reply = shaper.shape(rows)?;
    let field = |name: &str| {
        reply
            .body
            .as_ref()
            .and_then(|b| b.fields.iter().find(|(n, _)| *n == name))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let state = if reply.is_success() {
        State::Booked
    } else {
        State::Refused
    };
    Ok((
        state,
        Settlement {
            result: reply.result.clone(),
            message: reply.message.clone(),
            is_refund: field(field::IS_REFUND),
            invoice_no: field(field::INVOICE_NO),
            his_pay_id: field(field::SERIAL_NO).or_else(|| field(field::INVOICE_NO)),
            register_id: field(field::REGISTER_ID),
            his_order_number: field(field::HIS_ORDER_NUMBER),
            reply: store_reply(&reply),
        },
    ))
}

/// A payment mapping must say what happened: a first row with `result`.
fn has_result(rows: &Rows) -> bool {
    rows.header.as_ref().is_some_and(|set| {
        set.column("result")
            .zip(set.rows.first())
            .and_then(|(i, row)| row.get(i))
            .is_some_and(|v| *v != crate::execute::Value::Null)
    })
}

/// The answer as the ledger keeps it: JSON of result, message and the
/// fields in order, so a replay encodes to the same bytes in any transport.
fn store_reply(reply: &Reply) -> String {
    let body = reply.body.as_ref().map(|b| {
        b.fields
            .iter()
            .map(|(n, v)| serde_json::json!([n, v]))
            .collect::<Vec<_>>()
    });
    serde_json::json!({
        "result": reply.result,
        "message": reply.message,
        "body": body,
    })
    .to_string()
}

fn stored_reply(method: &'static Method, stored: &str) -> Option<Reply> {
    let value: serde_json::Value = serde_json::from_str(stored).ok()?;
    let body = match value.get("body")? {
        serde_json::Value::Null => None,
        serde_json::Value::Array(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for pair in fields {
                let name = pair.get(0)?.as_str()?;
                let text = pair.get(1)?.as_str()?;
                let field = method.response.fields.iter().find(|f| f.name == name)?;
                out.push((field.name, text.to_string()));
            }
            Some(Body {
                wrap: method.response.wrap,
                fields: out,
                list: None,
            })
        }
        _ => return None,
    };
    Some(Reply {
        result: value.get("result")?.as_str()?.to_string(),
        message: value.get("message")?.as_str()?.to_string(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::find_inbound;

    #[test]
    fn a_stored_reply_reads_back_identical() {
        let method = find_inbound("payRegister").unwrap();
        let reply = Reply {
            result: "success".into(),
            message: "".into(),
            body: Some(Body {
                wrap: None,
                fields: vec![
                    ("invoiceNo", "FP001".into()),
                    ("registerId", "GH1 <&>".into()),
                ],
                list: None,
            }),
        };
        assert_eq!(stored_reply(method, &store_reply(&reply)), Some(reply));
        let refused = Reply::error("该挂号已取消");
        assert_eq!(stored_reply(method, &store_reply(&refused)), Some(refused));
        assert_eq!(stored_reply(method, "not json"), None);
    }

    #[test]
    fn the_claim_takes_amount_patient_and_order_from_the_rule() {
        let method = find_inbound("outpatientPay").unwrap();
        let request = RawRequest::new(
            [
                ("prescriptionNo", "RX1,RX2"),
                ("realName", "李明"),
                ("patientCard", "12345678"),
                ("orderFee", "190"),
                ("feeType", "药费"),
                ("payedTime", "2026-11-26 10:00:00"),
                ("tradeNo", "EH1"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec(),
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let params = crate::validate::validate(method, &request, today).unwrap();
        let claim = claim_of(method, method.payment().unwrap(), &params).unwrap();
        assert_eq!(claim.trade_no, "EH1");
        assert_eq!(claim.amount, Decimal::new(190, 0));
        assert_eq!(claim.patient, "12345678");
        assert_eq!(claim.order_ref.as_deref(), Some("RX1,RX2"));
        assert_eq!(claim.transaction_type, "2");
        assert_eq!(claim.payed_time, "2026-11-26 10:00:00");
    }
}
