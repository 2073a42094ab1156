//! The end-to-end suite: each test starts the real gateway on port 0
//! against a fresh demo database and speaks HTTP to it (the harness is the
//! `hisgw_e2e` library). One test binary with a module per subject, so the
//! suite is compiled and linked once.

mod browser;
mod console;
mod demo_values;
mod errors;
mod mssql_backend;
mod mssql_offline;
mod outbound;
mod payments;
mod platform_standin;
mod proof;
mod pushes;
mod read_methods;
mod reload;
mod security;
mod transports;
mod writes;
