//! hisgw: answers the Ruibo patient-platform HIS interface from a
//! hospital's own database. See ARCHITECTURE.md for the data path.

pub mod access;
pub mod app;
pub mod audit;
pub mod catalogue;
pub mod check;
pub mod clock;
pub mod decode;
pub mod encode;
pub mod execute;
pub mod hospitals;
pub mod http;
pub mod ledger;
pub mod limits;
pub mod log_lines;
pub mod mapping;
pub mod mapping_tests;
pub mod mask;
pub mod metrics;
pub mod money;
pub mod outbound;
pub mod payments;
pub mod pipeline;
pub mod platform;
pub mod proof;
pub mod reload;
pub mod settings;
pub mod shape;
pub mod sign;
pub mod validate;
pub mod writes;
pub mod wsdl;

pub use app::Application;
pub use settings::Settings;
