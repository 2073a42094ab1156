//! Writes: the one runner of every write mapping — plain writes (card
//! creation, booking, registration, cancelling) and payment notifications
//! alike. A write's statements run in one transaction; the reply its result
//! sets shape into is decided inside that transaction, once, together with
//! how the transaction ends, and the caller gets both.
//!
//! The commit rule of plain writes lives here: a write commits only when
//! its reply is `success` (full, close, invalid_card and errors leave the
//! HIS as it was), and a cancellation that refunded a booked payment
//! records the refund in the ledger in the same transaction. Payments add
//! a claim and their own settlement (`payments`). This module must never
//! retry or cut short a write: after a lost connection or a timeout the
//! database rolls it back, and the platform's retry is the retry.

use std::convert::Infallible;

use crate::catalogue::{field, Method};
use crate::execute::{Database, Decision, Dialect, ExecError, Settle, Statement, WriteTx, Written};
use crate::ledger;
use crate::mapping::{EmptyResult, MethodPlan};
use crate::shape::{self, Reply, Rows, ShapeError, WhenEmpty};
use crate::validate::Params;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Execute(#[from] ExecError),
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

/// Runs `plan` with `params` in one write transaction: the claim (if any)
/// first, then the mapping's statements; `decide` gets their rows, sorted
/// into the parts of the response, and says how the transaction ends and
/// what the caller takes away. `Ok(Err(taken))`: the claim is held by
/// another transaction, and nothing of the mapping ran.
pub async fn run<R, T>(
    db: &Database,
    plan: &MethodPlan,
    params: &Params,
    claim: Option<(Statement, T)>,
    decide: impl FnOnce(Rows) -> Decision<R> + Send + 'static,
) -> Result<Result<Written<R>, T>, ExecError>
where
    R: Send + 'static,
    T: Send + 'static,
{
    let parts = plan.parts.clone();
    let tx = WriteTx {
        claim,
        work: plan.statements(params),
        decide: Box::new(move |sets| decide(shape::assemble(&parts, sets))),
    };
    db.write(tx).await
}

/// Shapes a write's rows into its reply, as the plan says to answer when
/// they are empty. Owned, so a decision made inside a transaction can use it.
pub struct Shaper {
    method: &'static Method,
    empty_success: bool,
    empty_message: String,
}

impl Shaper {
    pub fn of(plan: &MethodPlan) -> Shaper {
        Shaper {
            method: plan.method,
            empty_success: plan.empty_result == EmptyResult::Success,
            empty_message: plan.empty_message.clone(),
        }
    }

    pub fn shape(&self, rows: Rows) -> Result<Reply, ShapeError> {
        let empty = WhenEmpty {
            success: self.empty_success,
            message: &self.empty_message,
        };
        shape::shape(self.method, rows, &empty)
    }
}

/// A plain write: commits only when its reply is `success`; a
/// cancellation that refunded a booked payment (its answer carries
/// `hisRefundId`) records the refund in the ledger, in the same
/// transaction, when the hospital keeps one (`ledger`: its dialect).
pub async fn plain(
    db: &Database,
    plan: &MethodPlan,
    params: &Params,
    ledger: Option<Dialect>,
) -> Result<Reply, WriteError> {
    let shaper = Shaper::of(plan);
    let method = plan.method;
    let request = params.clone();
    let decide = move |rows: Rows| {
        let reply = shaper.shape(rows);
        let settle = match &reply {
            Ok(reply) if reply.is_success() => Settle::Commit(match ledger {
                Some(dialect) => refund_statements(dialect, method, &request, reply),
                None => Vec::new(),
            }),
            _ => Settle::Abort,
        };
        Decision {
            settle,
            answer: reply,
        }
    };
    let Ok(written) = run(db, plan, params, None::<(Statement, Infallible)>, decide).await?;
    Ok(written.answer?)
}

/// For a cancellation that refunded a booked payment (its answer carries
/// `hisRefundId`): the statement that records the refund in the ledger.
fn refund_statements(
    dialect: Dialect,
    method: &'static Method,
    params: &Params,
    reply: &Reply,
) -> Vec<Statement> {
    let Some(rule) = method.refund() else {
        return Vec::new();
    };
    let refund_id = reply
        .body
        .as_ref()
        .and_then(|b| b.fields.iter().find(|(n, _)| *n == field::HIS_REFUND_ID))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty());
    let order = method
        .request
        .fields
        .iter()
        .position(|f| f.name == rule.order)
        .and_then(|i| params.value(i));
    match (refund_id, order) {
        (Some(id), Some(order)) => {
            vec![ledger::refund(
                dialect,
                id,
                rule.payment,
                order,
                method.name,
            )]
        }
        _ => Vec::new(),
    }
}
