//! The one sequence of every transaction, written once for all backends.
//!
//! A backend lends a connection as a `Session` — begin, run a statement,
//! savepoint, undo to it, commit, roll back — and these drivers say in
//! which order those happen:
//!
//! - a read: begin a read (one state of the database for all statements,
//!   where the backend can give one), each statement in order, commit;
//! - a write: begin, the claim (a unique key; a violation there means
//!   another transaction has it), a savepoint, the work, the caller's
//!   decision, then commit, undo the work and commit what the decision
//!   records, or roll everything back.
//!
//! Any failure rolls the whole transaction back before it is reported. A
//! backend never reorders these steps; it only carries them out (SQLite on
//! its worker thread, where every step completes at once; SQL Server over
//! the network).

use std::time::Instant;

use super::rehearsal::Rehearsal;
use super::{Decision, ExecError, ResultSet, Settle, Statement, WriteTx, Written};

/// Why a step failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A PRIMARY KEY or UNIQUE constraint refused a row.
    Duplicate(ExecError),
    /// The step failed; the connection is fine.
    Failed(ExecError),
    /// The connection failed or is in an unknown state: it must not be
    /// lent out again.
    Lost(ExecError),
}

impl Failure {
    pub(crate) fn into_error(self) -> ExecError {
        match self {
            Failure::Duplicate(e) | Failure::Failed(e) | Failure::Lost(e) => e,
        }
    }

    /// The error, whatever it means for the connection.
    pub(crate) fn error(&self) -> &ExecError {
        match self {
            Failure::Duplicate(e) | Failure::Failed(e) | Failure::Lost(e) => e,
        }
    }
}

/// One checked-out connection, as the drivers use it.
pub(crate) trait Session {
    /// Begins a transaction in which `statements` statements read one state.
    async fn begin_read(&mut self, statements: usize) -> Result<(), Failure>;
    /// Begins a write transaction.
    async fn begin_write(&mut self) -> Result<(), Failure>;
    /// Runs the `index`-th statement of its step and reads all it returns.
    async fn run(&mut self, statement: &Statement, index: usize)
        -> Result<Vec<ResultSet>, Failure>;
    async fn savepoint(&mut self, name: &str) -> Result<(), Failure>;
    async fn undo_to_savepoint(&mut self, name: &str) -> Result<(), Failure>;
    /// Forgets a savepoint, keeping what was done since (SQL Server keeps
    /// savepoints until the transaction ends: nothing to do there).
    async fn release_savepoint(&mut self, name: &str) -> Result<(), Failure>;
    async fn commit(&mut self) -> Result<(), Failure>;
    /// Rolls back whatever is open; a no-op when nothing is.
    async fn rollback(&mut self) -> Result<(), Failure>;
    /// Rows changed on this connection so far, where the backend can tell
    /// (for a rehearsal's trace).
    fn changes(&self) -> Option<u64> {
        None
    }

    /// Whether the session records each statement it runs in the
    /// rehearsal's trace itself (SQLite, statement by statement of a batch).
    fn traces(&self) -> bool {
        false
    }
}

/// The savepoint after a write's claim, before its work.
const WORK: &str = "hisgw_work";
/// The savepoint a rehearsed transaction begins with.
const CALL: &str = "hisgw_call";

/// A transaction inside a rehearsal's one open transaction: beginning it
/// takes a savepoint, committing releases it (what it did stays, for the
/// next call of the rehearsal to see) and rolling back undoes to it. The
/// rehearsal ends the open transaction itself.
pub(crate) struct Nested<'s, S> {
    inner: &'s mut S,
    open: bool,
}

impl<'s, S: Session> Nested<'s, S> {
    pub(crate) fn new(inner: &'s mut S) -> Self {
        Nested { inner, open: false }
    }
}

impl<S: Session> Session for Nested<'_, S> {
    async fn begin_read(&mut self, _statements: usize) -> Result<(), Failure> {
        self.begin_write().await
    }

    async fn begin_write(&mut self) -> Result<(), Failure> {
        self.inner.savepoint(CALL).await?;
        self.open = true;
        Ok(())
    }

    async fn run(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        self.inner.run(statement, index).await
    }

    async fn savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.inner.savepoint(name).await
    }

    async fn undo_to_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.inner.undo_to_savepoint(name).await
    }

    async fn release_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.inner.release_savepoint(name).await
    }

    async fn commit(&mut self) -> Result<(), Failure> {
        if std::mem::replace(&mut self.open, false) {
            self.inner.release_savepoint(CALL).await?;
        }
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), Failure> {
        if std::mem::replace(&mut self.open, false) {
            self.inner.undo_to_savepoint(CALL).await?;
            self.inner.release_savepoint(CALL).await?;
        }
        Ok(())
    }

    fn changes(&self) -> Option<u64> {
        self.inner.changes()
    }

    fn traces(&self) -> bool {
        self.inner.traces()
    }
}

/// Runs one statement, traced when the transaction is rehearsed.
async fn step(
    session: &mut impl Session,
    statement: &Statement,
    index: usize,
    rehearsal: Option<&Rehearsal>,
) -> Result<Vec<ResultSet>, Failure> {
    let Some(rehearsal) = rehearsal.filter(|_| !session.traces()) else {
        return session.run(statement, index).await;
    };
    let before = session.changes();
    let started = Instant::now();
    let result = session.run(statement, index).await;
    let changed = session
        .changes()
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    let outcome = match &result {
        Ok(sets) => Ok(&sets[..]),
        Err(f) => Err(f.error().to_string()),
    };
    rehearsal.record(statement, started.elapsed(), outcome, changed);
    result
}

/// Runs read statements in one read transaction.
pub(crate) async fn read(
    session: &mut impl Session,
    statements: &[Statement],
    rehearsal: Option<&Rehearsal>,
) -> Result<Vec<Vec<ResultSet>>, Failure> {
    let reads = async {
        session.begin_read(statements.len()).await?;
        let mut sets = Vec::with_capacity(statements.len());
        for (i, statement) in statements.iter().enumerate() {
            sets.push(step(session, statement, i, rehearsal).await?);
        }
        session.commit().await?;
        Ok(sets)
    };
    let result = reads.await;
    rolled_back_on_failure(session, result).await
}

/// Runs a write transaction: claim, savepoint, work, decision, settlement.
/// `Ok(Err(taken))`: the claim was held elsewhere; nothing past it ran and
/// all of it was rolled back.
pub(crate) async fn write<R, T>(
    session: &mut impl Session,
    tx: WriteTx<R, T>,
    rehearsal: Option<&Rehearsal>,
) -> Result<Result<Written<R>, T>, Failure> {
    let WriteTx {
        claim,
        work,
        decide,
    } = tx;
    let steps = async {
        session.begin_write().await?;
        if let Some((statement, taken)) = claim {
            match step(session, &statement, 0, rehearsal).await {
                Ok(_) => {}
                // The database made the claim wait for the transaction that
                // holds the key to end: that one has committed it by now.
                Err(Failure::Duplicate(_)) => return Ok(Err(taken)),
                Err(e) => return Err(e),
            }
        }
        session.savepoint(WORK).await?;
        let mut sets = Vec::with_capacity(work.len());
        for (i, statement) in work.iter().enumerate() {
            sets.push(step(session, statement, i, rehearsal).await?);
        }
        let Decision { settle, answer } = decide(sets);
        let (record, ending) = match settle {
            Settle::Commit(record) => (record, super::Ending::Committed),
            Settle::UndoWork(record) => {
                session.undo_to_savepoint(WORK).await?;
                (record, super::Ending::WorkUndone)
            }
            Settle::Abort => {
                session.rollback().await?;
                return Ok(Ok(Written {
                    answer,
                    ending: super::Ending::RolledBack,
                }));
            }
        };
        for (i, statement) in record.iter().enumerate() {
            step(session, statement, i, rehearsal).await?;
        }
        session.commit().await?;
        Ok(Ok(Written { answer, ending }))
    };
    let result = steps.await;
    match result {
        // A claim held elsewhere: end what this transaction began.
        Ok(Err(taken)) => {
            session.rollback().await?;
            Ok(Err(taken))
        }
        other => rolled_back_on_failure(session, other).await,
    }
}

/// After a failed step, rolls back before reporting the failure. A lost
/// connection is not spoken to again (the server rolls back a transaction
/// whose connection is gone); when the rollback fails, the connection is
/// lost, whatever the step said.
async fn rolled_back_on_failure<V>(
    session: &mut impl Session,
    result: Result<V, Failure>,
) -> Result<V, Failure> {
    match result {
        Ok(v) => Ok(v),
        Err(lost @ Failure::Lost(_)) => Err(lost),
        Err(failure) => match session.rollback().await {
            Ok(()) => Err(failure),
            Err(_) => Err(Failure::Lost(failure.into_error())),
        },
    }
}
