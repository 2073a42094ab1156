//! The spec as data: every method of the Ruibo HIS interface (v2.6.1) with
//! its request and response fields, and what the gateway does with it
//! beyond reading or writing: exactly-once payment rules, refunds recorded
//! by cancellations, answers from the gateway's ledger, event pushes, §17
//! signatures, the wire format of requests to the platform.
//!
//! This module owns the one list of methods and fields. The router, request
//! validation, response shaping, `hisgw check` and the tests all read it;
//! nothing else in the code base may list methods or fields by hand, and
//! code that needs one method or field names it by a constant from here
//! (`REFUND_APPLY`, `field::TRADE_NO`) — a test fails on a method name
//! written anywhere else. It must never depend on any other module of the
//! gateway: it is plain data.

mod methods;
pub mod reference;

pub use methods::{
    CHECK_ACCOUNT, GET_CHEC_LEDGER_DETAIL, METHODS, QUERY_REFUND_STATUS, REFUND_APPLY,
};

/// The wire names of the fields the gateway's own code reads or writes.
pub mod field {
    /// The platform's order number of a payment (and of its refund).
    pub const TRADE_NO: &str = "tradeNo";
    /// The same in the pushes that spell fields in snake case.
    pub const TRADE_NO_SNAKE: &str = "trade_no";
    /// A request's date range (3.1, 3.2, 7.x): the end never before the start.
    pub const START_DATE: &str = "startDate";
    pub const END_DATE: &str = "endDate";
    pub const PAY_TYPE: &str = "payType";
    pub const PAYED_TIME: &str = "payedTime";
    /// The §17 signature.
    pub const SIGN: &str = "sign";
    /// In payment answers: whether the platform should refund (0 no, 1 yes).
    pub const IS_REFUND: &str = "isRefund";
    pub const INVOICE_NO: &str = "invoiceNo";
    pub const SERIAL_NO: &str = "serialNo";
    pub const REGISTER_ID: &str = "registerId";
    pub const HIS_ORDER_NUMBER: &str = "hisOrderNumber";
    /// In cancellation answers: the HIS's refund of a paid booking.
    pub const HIS_REFUND_ID: &str = "hisRefundId";
    /// The hospital's id at the platform, in two spellings.
    pub const HOSPITAL_ID: &str = "hospitalId";
    pub const HOSPITAL_ID_SNAKE: &str = "hospital_id";
    pub const HOSPITAL_AREA_ID: &str = "hospital_area_id";
    pub const CHECK_DATE: &str = "checkDate";
    pub const HIS_ID: &str = "hisId";
    pub const REFUND_AMOUNT: &str = "refundAmount";
    pub const PATIENT_CARD: &str = "patientCard";
    pub const REAL_NAME: &str = "realName";
    pub const IS_REVERSE: &str = "is_reverse";
    pub const CASHIER_ID: &str = "cashier_id";
    /// 13.2 `channel`: 0 a payment, 1 a refund.
    pub const CHANNEL: &str = "channel";
    pub const AMOUNT: &str = "amount";
    pub const TRANSACTION_TYPE: &str = "transactionType";
    /// 13.3 detail rows.
    pub const CASH: &str = "cash";
    pub const ORDER_TYPE: &str = "orderType";

    /// Every constant above, for the test that each names a field.
    pub const ALL: &[&str] = &[
        TRADE_NO,
        TRADE_NO_SNAKE,
        START_DATE,
        END_DATE,
        PAY_TYPE,
        PAYED_TIME,
        SIGN,
        IS_REFUND,
        INVOICE_NO,
        SERIAL_NO,
        REGISTER_ID,
        HIS_ORDER_NUMBER,
        HIS_REFUND_ID,
        HOSPITAL_ID,
        HOSPITAL_ID_SNAKE,
        HOSPITAL_AREA_ID,
        CHECK_DATE,
        HIS_ID,
        REFUND_AMOUNT,
        PATIENT_CARD,
        REAL_NAME,
        IS_REVERSE,
        CASHIER_ID,
        CHANNEL,
        AMOUNT,
        TRANSACTION_TYPE,
        CASH,
        ORDER_TYPE,
    ];
}

/// Who provides the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The HIS provides it and the platform calls it: the gateway answers it.
    Inbound,
    /// The platform provides it and the HIS calls it: the gateway is the client.
    Outbound,
}

/// What calling the method does, which decides how the gateway runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Reads only.
    Read,
    /// Writes to the HIS (card creation, booking, cancelling).
    Write,
    /// A payment notification: booked exactly once per tradeNo.
    Payment,
    /// Reconciliation (ledger totals and details).
    Reconciliation,
    /// An outbound push or query to the platform.
    Outbound,
}

/// The semantic type of a field: how a request value is checked and how a
/// database value is formatted on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text or a code, passed through as is.
    Text,
    /// A resident identity card number (GB 11643-1999: 18 characters, the
    /// last a MOD 11-2 check character), checked where the HIS will store it.
    IdCard,
    /// Whole number.
    Int,
    /// `yyyy-MM-dd`.
    Date,
    /// `yyyy-MM-dd HH:mm:ss`, local time as the HIS stores it.
    DateTime,
    /// Money in yuan as an exact decimal (at least two decimal places).
    Money,
    /// A non-money exact decimal (quantities, lab values kept as text are `Text`).
    Decimal,
}

/// A default the spec states for an absent optional request field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultRule {
    /// The date `days` days after the (already present) date field `field`.
    DaysAfter { field: &'static str, days: i64 },
    /// The date `months` calendar months before today.
    MonthsBeforeToday { months: u32 },
    /// Today's date.
    Today,
}

/// One field on the wire.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The wire name, exactly as the spec spells it (slips included).
    pub name: &'static str,
    pub ty: FieldType,
    /// Required by the spec (是否必须 = 是).
    pub required: bool,
    /// The spec's description (说明), shortened.
    pub doc: &'static str,
    /// The spec's default when an optional request field is absent.
    pub default: Option<DefaultRule>,
    /// The value the spec's own request example uses, if any (requests only).
    pub example: Option<&'static str>,
}

impl Field {
    /// A field with no default and no example.
    pub const fn new(name: &'static str, ty: FieldType, required: bool, doc: &'static str) -> Self {
        Field {
            name,
            ty,
            required,
            doc,
            default: None,
            example: None,
        }
    }

    pub const fn example(mut self, value: &'static str) -> Self {
        self.example = Some(value);
        self
    }

    pub const fn default(mut self, rule: DefaultRule) -> Self {
        self.default = Some(rule);
        self
    }
}

/// A repeated part of a message: rows of `fields`, each in an `item` element,
/// all inside an optional `wrapper` element.
#[derive(Debug, Clone, Copy)]
pub struct List {
    /// The name a mapping uses for the SQL section that yields these rows
    /// (the wrapper element's name where there is one, e.g. `content`,
    /// `feeDetail`, `detail`).
    pub section: &'static str,
    /// Element around all rows (`content`), or `None` when the rows sit
    /// directly in their parent (9.2 `<data>`, 13.1 `<detail>`).
    pub wrapper: Option<&'static str>,
    /// Element around one row (`data`, `detail`).
    pub item: &'static str,
    pub fields: &'static [Field],
    /// A nested list inside each row (8.2 `feeDetail`), joined on `key`.
    pub child: Option<&'static List>,
    /// For a nested list: the field, present in parent and child rows, that
    /// joins a child row to its parent row.
    pub key: Option<&'static str>,
}

/// The body of a message: top-level fields (optionally wrapped in one
/// element, as 4.4 wraps them in `<data>`), then at most one list.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub fields: &'static [Field],
    /// Element that wraps `fields` (4.4 `data`; outbound pushes `data`).
    pub wrap: Option<&'static str>,
    pub list: Option<&'static List>,
}

impl Shape {
    pub const EMPTY: Shape = Shape {
        fields: &[],
        wrap: None,
        list: None,
    };

    /// Every field of the shape, top level first, then list rows, then nested rows.
    pub fn all_fields(&self) -> impl Iterator<Item = &'static Field> {
        let mut lists = Vec::new();
        let mut next = self.list;
        while let Some(list) = next {
            lists.push(list);
            next = list.child;
        }
        self.fields
            .iter()
            .chain(lists.into_iter().flat_map(|l| l.fields.iter()))
    }
}

/// One method of the interface.
#[derive(Debug, Clone, Copy)]
pub struct Method {
    /// The spec's section number, e.g. "8.2".
    pub section: &'static str,
    /// The method name on the wire (for pushes: the operation, `pushHisData`).
    pub name: &'static str,
    /// For `pushHisData`: the `dataType` value that selects the push.
    pub data_type: Option<&'static str>,
    /// The spec's title (Chinese).
    pub title: &'static str,
    pub direction: Direction,
    pub kind: Kind,
    pub request: Shape,
    pub response: Shape,
    /// A payment notification: how it is booked exactly once.
    pub payment: Option<&'static PaymentRule>,
    /// A cancellation that may refund a booked payment.
    pub refund: Option<&'static RefundRule>,
    /// Answered from the gateway's payment ledger when the hospital maps
    /// payments but not this method.
    pub ledger: Option<LedgerAnswer>,
    /// An event the HIS pushes to the platform from an event source
    /// (`push/{dataType}.sql`).
    pub push: bool,
    /// Carries a §17 signature.
    pub sign: Option<SignRule>,
    /// How a request to the platform is written.
    pub wire: Wire,
}

impl Method {
    /// The name that identifies this method uniquely: the method name, or for
    /// a push the `dataType`.
    pub fn key(&self) -> &'static str {
        self.data_type.unwrap_or(self.name)
    }

    pub fn request_field(&self, name: &str) -> Option<&'static Field> {
        self.request
            .fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// How one payment notification is booked exactly once.
#[derive(Debug, Clone, Copy)]
pub struct PaymentRule {
    /// The request field holding the amount paid.
    pub amount: &'static str,
    /// The request fields naming the patient; a retry must repeat them.
    pub patient: &'static [&'static str],
    /// The request field naming the HIS order paid for, if any.
    pub order: Option<&'static str>,
    /// 13.1/13.2 transactionType: 1 挂号, 2 门诊缴费, 3 住院预交, 4 一卡通充值.
    pub transaction_type: &'static str,
    /// 15.2 dataSrc (§18.1).
    pub data_src: &'static str,
}

/// A cancellation that may refund a booked payment: a success that carries
/// `hisRefundId` refunds the payment of `payment` whose order field held
/// the same value as this request's `order` field.
#[derive(Debug, Clone, Copy)]
pub struct RefundRule {
    /// The request field naming the cancelled order.
    pub order: &'static str,
    /// The payment method whose `order` field held the same value.
    pub payment: &'static str,
}

/// The answers the gateway's payment ledger can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerAnswer {
    /// 13.1: the day's totals.
    Totals,
    /// 13.2: the day's payments and refunds.
    Details,
    /// 15.2: one order's booking.
    OrderStatus,
}

/// Where a §17 signature is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignRule {
    /// The platform signs the request; the gateway verifies it with the
    /// hospital's key before booking anything.
    Verify,
    /// The gateway signs its request to the platform, leaving out `skip`.
    Sign { skip: &'static [&'static str] },
}

/// How a request to the platform is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// `<request>` XML (pushes: `dataType` and `<data>`).
    Xml,
    /// One JSON object of the fields (16.9 pushStopSchedule).
    Json,
}

impl Method {
    /// The payment rule of a payment notification.
    pub fn payment(&self) -> Option<&'static PaymentRule> {
        self.payment
    }

    /// The refund rule of a cancellation that may refund.
    pub fn refund(&self) -> Option<&'static RefundRule> {
        self.refund
    }
}

/// The inbound methods, in spec order.
pub fn inbound() -> impl Iterator<Item = &'static Method> {
    METHODS.iter().filter(|m| m.direction == Direction::Inbound)
}

/// The outbound methods, in spec order.
pub fn outbound() -> impl Iterator<Item = &'static Method> {
    METHODS
        .iter()
        .filter(|m| m.direction == Direction::Outbound)
}

/// Finds an inbound method by name, ignoring ASCII case (platform clients
/// are not consistent about it).
pub fn find_inbound(name: &str) -> Option<&'static Method> {
    inbound().find(|m| m.name.eq_ignore_ascii_case(name))
}

/// Any method by its name or a push's dataType, ignoring ASCII case.
pub fn find_any(name: &str) -> Option<&'static Method> {
    find_inbound(name).or_else(|| outbound().find(|m| m.key().eq_ignore_ascii_case(name)))
}

/// The outbound method of a key (a method name, or a push's dataType).
pub fn find_outbound(key: &str) -> Option<&'static Method> {
    outbound().find(|m| m.key() == key)
}

/// The methods the gateway answers from its ledger unless mapped.
pub fn ledger_answered() -> impl Iterator<Item = &'static Method> {
    inbound().filter(|m| m.ledger.is_some())
}

/// The name among `candidates` closest to a misspelled `name` (ignoring
/// ASCII case), if one is close enough to be what was meant.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    candidates
        .map(|c| (distance(&name, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 4).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_closest_field_is_suggested_only_when_close() {
        let fields = ["departmentName", "departmentCode", "address"];
        assert_eq!(
            closest("departmentNmae", fields.into_iter()),
            Some("departmentName")
        );
        assert_eq!(
            closest("DEPARTMENTCOD", fields.into_iter()),
            Some("departmentCode")
        );
        assert_eq!(closest("patientName", fields.into_iter()), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn counts_match_the_spec_index() {
        assert_eq!(inbound().count(), 33);
        assert_eq!(outbound().count(), 13);
    }

    #[test]
    fn inbound_names_are_unique_ignoring_case() {
        let mut seen = HashSet::new();
        for m in inbound() {
            assert!(
                seen.insert(m.name.to_ascii_lowercase()),
                "duplicate {}",
                m.name
            );
        }
    }

    #[test]
    fn outbound_keys_are_unique() {
        let mut seen = HashSet::new();
        for m in outbound() {
            assert!(seen.insert(m.key()), "duplicate {}", m.key());
        }
    }

    #[test]
    fn fields_within_one_level_are_unique() {
        for m in METHODS {
            for shape in [&m.request, &m.response] {
                let mut seen = HashSet::new();
                for f in shape.fields {
                    assert!(seen.insert(f.name), "{}: duplicate {}", m.key(), f.name);
                }
            }
        }
    }

    #[test]
    fn defaults_refer_to_fields_of_the_same_request() {
        for m in METHODS {
            for f in m.request.fields {
                if let Some(DefaultRule::DaysAfter { field, .. }) = f.default {
                    assert!(m.request_field(field).is_some(), "{}.{}", m.name, f.name);
                }
                assert!(f.default.is_none() || !f.required, "{}.{}", m.name, f.name);
            }
        }
    }

    #[test]
    fn nested_keys_exist_in_parent_and_child() {
        for m in METHODS {
            let mut next = m.response.list;
            while let Some(list) = next {
                if let Some(child) = list.child {
                    let key = child.key.expect("nested list has a key");
                    assert!(list.fields.iter().any(|f| f.name == key));
                    assert!(child.fields.iter().any(|f| f.name == key));
                }
                next = list.child;
            }
        }
    }

    #[test]
    fn every_payment_method_has_one_rule_naming_its_own_fields() {
        for m in METHODS {
            assert_eq!(m.kind == Kind::Payment, m.payment.is_some(), "{}", m.name);
        }
        for m in inbound().filter(|m| m.kind == Kind::Payment) {
            let rule = m.payment().unwrap();
            let money = m.request_field(rule.amount).expect("amount field");
            assert_eq!(money.ty, FieldType::Money, "{}", m.name);
            assert!(m.request_field(field::TRADE_NO).is_some_and(|f| f.required));
            assert!(m
                .request_field(field::PAYED_TIME)
                .is_some_and(|f| f.required));
            for f in rule.patient.iter().chain(rule.order.iter()) {
                assert!(m.request_field(f).is_some(), "{}.{f}", m.name);
            }
            assert!(m.response.fields.iter().any(|f| f.name == field::IS_REFUND));
        }
        assert_eq!(inbound().filter(|m| m.payment.is_some()).count(), 5);
        let refunds: Vec<_> = inbound().filter(|m| m.refund.is_some()).collect();
        assert_eq!(refunds.len(), 2);
        for m in refunds {
            let r = m.refund().unwrap();
            assert!(m.request_field(r.order).is_some());
            assert!(m
                .response
                .fields
                .iter()
                .any(|f| f.name == field::HIS_REFUND_ID));
            let paid = find_inbound(r.payment).and_then(Method::payment);
            assert!(paid.is_some_and(|p| p.order == Some(r.order)), "{}", m.name);
        }
    }

    #[test]
    fn behaviour_is_where_the_spec_puts_it() {
        // Signed: the e-card top-up the platform signs, the refund request
        // the gateway signs; both carry the sign field.
        for m in METHODS.iter().filter(|m| m.sign.is_some()) {
            assert!(m.request_field(field::SIGN).is_some(), "{}", m.name);
        }
        assert_eq!(METHODS.iter().filter(|m| m.sign.is_some()).count(), 2);
        assert_eq!(
            REFUND_APPLY.sign,
            Some(SignRule::Sign {
                skip: &["realName"]
            })
        );
        // Pushed: every pushHisData dataType and 16.9; only outbound.
        for m in METHODS.iter().filter(|m| m.push) {
            assert_eq!(m.direction, Direction::Outbound, "{}", m.name);
        }
        assert_eq!(METHODS.iter().filter(|m| m.push).count(), 10);
        let calls: Vec<_> = METHODS
            .iter()
            .filter(|m| m.direction == Direction::Outbound && !m.push)
            .map(|m| m.name)
            .collect();
        assert_eq!(
            calls,
            [
                CHECK_ACCOUNT.name,
                REFUND_APPLY.name,
                QUERY_REFUND_STATUS.name
            ]
        );
        assert_eq!(METHODS.iter().filter(|m| m.wire == Wire::Json).count(), 1);
        // The ledger answers 13.1, 13.2 and 15.2.
        let ledger: Vec<_> = ledger_answered().map(|m| m.section).collect();
        assert_eq!(ledger, ["13.1", "13.2", "15.2"]);
        // The named methods are the catalogue's own entries.
        for named in [&CHECK_ACCOUNT, &REFUND_APPLY, &QUERY_REFUND_STATUS] {
            assert!(find_outbound(named.key()).is_some_and(|m| m.section == named.section));
        }
        assert!(find_inbound(GET_CHEC_LEDGER_DETAIL.name)
            .is_some_and(|m| m.section == GET_CHEC_LEDGER_DETAIL.section));
    }

    #[test]
    fn every_field_constant_names_a_field_of_the_spec() {
        for name in field::ALL {
            let found = METHODS.iter().any(|m| {
                m.request.all_fields().any(|f| f.name == *name)
                    || m.response.all_fields().any(|f| f.name == *name)
            });
            assert!(found, "field::{name} is no field of the catalogue");
        }
    }

    /// Code refers to methods by the catalogue's constants and flags, never
    /// by writing their names: a name written elsewhere is a second list.
    #[test]
    fn method_names_are_written_only_in_the_catalogue() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let names: Vec<&str> = METHODS.iter().map(|m| m.name).collect();
        let mut found = Vec::new();
        let mut files = vec![src.clone()];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                if path.ends_with("catalogue") {
                    continue;
                }
                for entry in std::fs::read_dir(&path).unwrap() {
                    files.push(entry.unwrap().path());
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests at the end of a file may name the methods they test.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for literal in line.split('"').skip(1).step_by(2) {
                    if names.contains(&literal) {
                        found.push(format!("{}:{}: {literal:?}", path.display(), n + 1));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "method names written outside the catalogue (use its constants):\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn spec_slips_are_kept() {
        assert!(find_inbound("GetChecLedgerDetail").is_some());
        let prepay = find_inbound("prePayExpense").unwrap();
        assert!(prepay.request_field("prepayaAmt").is_some());
        let patient = find_inbound("queryInHospitalPatient").unwrap();
        assert!(patient.response.fields.iter().any(|f| f.name == "totleAmt"));
        assert_eq!(patient.response.wrap, Some("data"));
        let time = find_inbound("queryScheduleTime").unwrap();
        assert!(time.response.all_fields().any(|f| f.name == "havaNo"));
    }
}
