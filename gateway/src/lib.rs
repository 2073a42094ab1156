//! hisgw: answers the Ruibo patient-platform HIS interface from a
//! hospital's own database. See ARCHITECTURE.md for the data path.

pub mod app;
pub mod audit;
pub mod catalogue;
pub mod check;
pub mod decode;
pub mod encode;
pub mod execute;
pub mod gateway;
pub mod http;
pub mod ledger;
pub mod limits;
pub mod mask;
pub mod metrics;
pub mod money;
pub mod outbound;
pub mod payments;
pub mod plan;
pub mod reload;
pub mod settings;
pub mod shape;
pub mod sign;
pub mod validate;
pub mod wsdl;

pub use app::Application;
pub use settings::Settings;
