//! A stand-in for the Ruibo platform's web service, for end-to-end tests of
//! the gateway's outbound client: the pushes (`pushHisData`, §4.5 and
//! §16.1–16.8; `pushStopSchedule`, §16.9), reconciliation (`checkAccount`,
//! §13.3), refunds (`refundApply`, §14.1) and their status
//! (`queryRefundStatus`, §15.1).
//!
//! It speaks SOAP 1.1 as Apache CXF does: a POST to `url` with
//! `Content-Type: text/xml`, the operation the first element of the Body
//! (matched by local name, namespaces ignored), its single parameter element
//! (any name) holding the request XML — or for `pushStopSchedule` the
//! request JSON — escaped as text. The answer is
//! `<{operation}Response><return>` holding the `<response>` XML (or JSON)
//! escaped as text, in the namespace the call used.
//!
//! What it does with a call, in this order:
//! 1. records it (`calls`), whatever follows — also calls it refuses;
//! 2. refuses a call it cannot read with a SOAP Fault: HTTP 415 for a
//!    content type other than `text/xml`, 500 for a body that is not a SOAP
//!    1.1 envelope, an unknown operation, or a parameter that holds markup
//!    instead of escaped text (such calls take no scripted behavior);
//! 3. takes the next scripted [`Behavior`] of the call's key (`script`);
//! 4. answers: `Error`, `Unknown` and `Http500` answer that and change
//!    nothing; `Success` processes the call (a refund is remembered, a wrong
//!    sign is refused, …); `Timeout(d)` processes it the same way and then
//!    waits `d` before answering — the platform did the work, its answer came
//!    too late.
//!
//! The processing of a successful call:
//! - pushes answer `SUCCESS` (an unknown `dataType`, a request that is not
//!   `<request>` XML with a `<data>` element, or for `pushStopSchedule` not
//!   a JSON object, answers `ERROR`); no field is checked — assert on
//!   `Call::fields`;
//! - `checkAccount` answers the orders of `set_ledger` for `checkDate`
//!   (none for other dates): `totalCount` is the number of `<data>` rows and
//!   `totalCash` the sum of their `cash` as listed (refunds included, not
//!   subtracted), with at least two decimals; `orderTime` is left out when
//!   empty. A missing or malformed `checkDate` answers `ERROR`;
//! - `refundApply` checks the §17 sign (over every non-empty parameter but
//!   `sign` and `realName`): a wrong or missing sign answers `ERROR`
//!   "签名错误"; a missing required parameter (all but `is_reverse` and
//!   `cashier_id`) or an amount that is not a positive number answers
//!   `ERROR`. The first refund of a `hisId` answers `SUCCESS` with a new
//!   refund number (`RF000001`, `RF000002`, …) in `message`; a repeat with
//!   the same `hisId`, `tradeNo` and amount (compared as numbers) answers
//!   the same number; a repeat with a different `tradeNo` or amount answers
//!   `ERROR`;
//! - `queryRefundStatus` answers a remembered refund with its number,
//!   `tradeNo`, `refundAmount` (as sent) and `refundStatus` 2 (退款成功), or
//!   the status of `set_refund_status`. A `hisId` given a status but never
//!   answered `SUCCESS` (a refund answered `UNKNOWN`, or cut off by an
//!   `Http500`) answers that status with the `tradeNo` and amount of the last
//!   `refundApply` recorded for it and a refund number made up then (and
//!   used by a later successful `refundApply` of that `hisId`). Any other
//!   `hisId` answers `ERROR` "no such refund".
//!
//! The server stops when the `Platform` is dropped.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use rust_decimal::Decimal;

/// The path the platform serves on.
pub const PATH: &str = "/services/ehospital";

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The answer's namespace when the call's operation element had none.
pub const DEFAULT_NS: &str = "http://service.ehospital.ruibo.stand-in/";
const MAX_BODY: usize = 1 << 20;

/// A running stand-in platform (see the module documentation).
pub struct Platform {
    /// `http://127.0.0.1:PORT/services/ehospital`.
    pub url: String,
    state: Arc<Mutex<State>>,
    server: actix_web::dev::ServerHandle,
}

/// How the platform answers one call.
#[derive(Clone, Debug)]
pub enum Behavior {
    /// Process the call and answer (the default).
    Success,
    /// Answer `result` ERROR with this message (nothing processed).
    Error(String),
    /// Answer `result` UNKNOWN (nothing processed).
    Unknown,
    /// Process the call, then wait this long before answering.
    Timeout(Duration),
    /// Answer HTTP 500 with a SOAP Fault (nothing processed).
    Http500,
}

/// One call the platform received.
#[derive(Clone, Debug)]
pub struct Call {
    /// The local name of the Body's first element ("" when unreadable).
    pub operation: String,
    /// `pushHisData`'s `dataType`, as sent.
    pub data_type: Option<String>,
    /// The children of `<data>` (pushHisData), of `<request>` (the others),
    /// or the JSON object's members (pushStopSchedule; non-strings as JSON
    /// text, null as ""), each by name as sent with its text as sent.
    pub fields: BTreeMap<String, String>,
    /// The request text as unescaped from the parameter element; the whole
    /// HTTP body when the envelope could not be read.
    pub raw: String,
    /// For refundApply: whether the §17 sign verifies with the key.
    pub sign_ok: Option<bool>,
    /// When it arrived.
    pub at: Instant,
}

impl Call {
    /// A field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// One row of `checkAccount`'s `<detail>` (§13.3.2).
#[derive(Clone, Debug)]
pub struct Order {
    pub trade_no: String,
    pub cash: String,
    /// 1 收款, 2 退款.
    pub order_type: u8,
    /// 1 挂号, 2 缴费, 3 住院预交, 4 一卡通充值, 5 停车缴费.
    pub transaction_type: String,
    /// `yyyy-MM-dd HH:mm:ss`; left out of the answer when empty.
    pub order_time: String,
    pub pay_type: String,
}

#[derive(Default)]
struct State {
    sign_key: String,
    calls: Vec<Call>,
    scripts: HashMap<String, VecDeque<Behavior>>,
    ledgers: HashMap<String, Vec<Order>>,
    /// hisId → the refund answered SUCCESS.
    refunds: HashMap<String, Refund>,
    /// hisId → refund number, made once per hisId.
    refund_numbers: HashMap<String, String>,
    /// hisId → status set by the test.
    refund_statuses: HashMap<String, u8>,
}

struct Refund {
    refund_no: String,
    trade_no: String,
    amount: Decimal,
    /// As sent.
    amount_text: String,
}

impl State {
    fn next_behavior(&mut self, keys: &[&str]) -> Behavior {
        for key in keys {
            if let Some(behavior) = self.scripts.get_mut(*key).and_then(VecDeque::pop_front) {
                return behavior;
            }
        }
        Behavior::Success
    }

    fn refund_number(&mut self, his_id: &str) -> String {
        let next = self.refund_numbers.len() + 1;
        self.refund_numbers
            .entry(his_id.to_string())
            .or_insert_with(|| format!("RF{next:06}"))
            .clone()
    }
}

impl Platform {
    /// Starts a platform on 127.0.0.1 (a free port) that checks refund
    /// signs with `sign_key`.
    pub async fn start(sign_key: &str) -> Platform {
        let state = Arc::new(Mutex::new(State {
            sign_key: sign_key.to_string(),
            ..State::default()
        }));
        let listener = TcpListener::bind("127.0.0.1:0").expect("stand-in platform binds");
        let port = listener.local_addr().expect("local address").port();
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(MAX_BODY))
                .route(PATH, web::post().to(serve))
                .route(
                    PATH,
                    web::to(|| async { HttpResponse::MethodNotAllowed().finish() }),
                )
        })
        .listen(listener)
        .expect("stand-in platform listens")
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Platform {
            url: format!("http://127.0.0.1:{port}{PATH}"),
            state,
            server: handle,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The behaviors of the next calls of `key` (a `dataType` for
    /// pushHisData, else the operation), replacing any left from before;
    /// after them it answers `Success`. A pushHisData whose `dataType` has
    /// no behavior left takes one scripted for the key "pushHisData".
    pub fn script(&self, key: &str, behaviors: Vec<Behavior>) {
        self.state()
            .scripts
            .insert(key.to_string(), behaviors.into());
    }

    /// Every call received, in order of arrival.
    pub fn calls(&self) -> Vec<Call> {
        self.state().calls.clone()
    }

    /// The calls with this `dataType` or operation ("pushHisData": all pushes).
    pub fn calls_for(&self, key: &str) -> Vec<Call> {
        self.state()
            .calls
            .iter()
            .filter(|c| c.data_type.as_deref() == Some(key) || c.operation == key)
            .cloned()
            .collect()
    }

    /// What `checkAccount` answers for `date` (`yyyy-MM-dd`).
    pub fn set_ledger(&self, date: &str, orders: Vec<Order>) {
        self.state().ledgers.insert(date.to_string(), orders);
    }

    /// What `queryRefundStatus` answers as `refundStatus` for `his_id`
    /// (1 申请成功, 2 退款成功, 3 退款失败, 4 处理中).
    pub fn set_refund_status(&self, his_id: &str, status: u8) {
        self.state()
            .refund_statuses
            .insert(his_id.to_string(), status);
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        // The command is sent now; the returned future only waits for it.
        drop(self.server.stop(false));
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The envelope of a call, read.
struct Envelope {
    operation: String,
    namespace: Option<String>,
    request: String,
}

/// The request inside, read.
#[derive(Default)]
struct Request {
    data_type: Option<String>,
    fields: BTreeMap<String, String>,
    /// Why the request could not be read (answered ERROR when processed).
    problem: Option<String>,
}

/// An in-band answer: `<response>` (or the JSON object of pushStopSchedule).
struct Reply {
    result: &'static str,
    message: String,
    /// XML after `<message>`, already escaped.
    more: String,
}

impl Reply {
    fn success(message: impl Into<String>) -> Reply {
        Reply {
            result: "SUCCESS",
            message: message.into(),
            more: String::new(),
        }
    }

    fn error(message: impl Into<String>) -> Reply {
        Reply {
            result: "ERROR",
            message: message.into(),
            more: String::new(),
        }
    }
}

async fn serve(req: HttpRequest, body: web::Bytes, state: web::Data<Mutex<State>>) -> HttpResponse {
    let at = Instant::now();
    let body = String::from_utf8_lossy(&body).into_owned();
    let envelope = read_envelope(&body);
    let (operation, raw) = match &envelope {
        Ok(e) => (e.operation.clone(), e.request.clone()),
        Err(_) => (String::new(), body.clone()),
    };
    let request = match &envelope {
        Ok(e) => read_request(&e.operation, &e.request),
        Err(_) => Request::default(),
    };
    let known = known_operation(&operation);
    let sign_ok = (operation == "refundApply" && envelope.is_ok()).then(|| {
        let key = lock(&state).sign_key.clone();
        sign_verifies(&request.fields, &key)
    });
    let call = Call {
        operation: operation.clone(),
        data_type: request.data_type.clone(),
        fields: request.fields.clone(),
        raw,
        sign_ok,
        at,
    };

    let behavior = {
        let mut s = lock(&state);
        s.calls.push(call.clone());
        if !content_type_is_xml(&req) {
            drop(s);
            return fault(
                415,
                "soap:Client",
                "expected Content-Type text/xml (SOAP 1.1)",
            );
        }
        let envelope = match &envelope {
            Ok(e) => e,
            Err(why) => {
                drop(s);
                return fault(500, "soap:Client", why);
            }
        };
        if !known {
            drop(s);
            return fault(
                500,
                "soap:Client",
                &format!(
                    "Unexpected wrapper element {{{}}}{} found",
                    envelope.namespace.as_deref().unwrap_or(""),
                    operation
                ),
            );
        }
        let mut keys = Vec::new();
        if let Some(data_type) = &call.data_type {
            keys.push(data_type.as_str());
        }
        keys.push(operation.as_str());
        s.next_behavior(&keys)
    };
    let envelope = envelope.expect("checked above");

    let reply = match &behavior {
        Behavior::Http500 => return fault(500, "soap:Server", "scripted HTTP 500"),
        Behavior::Error(message) => Reply::error(message.clone()),
        Behavior::Unknown => Reply {
            result: "UNKNOWN",
            message: String::new(),
            more: String::new(),
        },
        Behavior::Success | Behavior::Timeout(_) => process(&mut lock(&state), &call, &request),
    };
    if let Behavior::Timeout(delay) = behavior {
        tokio::time::sleep(delay).await;
    }
    let text = if operation == "pushStopSchedule" {
        serde_json::json!({ "result": reply.result, "message": reply.message }).to_string()
    } else {
        let mut xml = String::from("<response>");
        element(&mut xml, "result", reply.result);
        element(&mut xml, "message", &reply.message);
        xml.push_str(&reply.more);
        xml.push_str("</response>");
        xml
    };
    let namespace = envelope.namespace.as_deref().unwrap_or(DEFAULT_NS);
    let answer = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"{SOAP11_NS}\"><soap:Body>\
         <ns2:{operation}Response xmlns:ns2=\"{}\"><return>{}</return></ns2:{operation}Response>\
         </soap:Body></soap:Envelope>",
        escape(namespace),
        escape(&text),
    );
    HttpResponse::Ok()
        .content_type("text/xml;charset=UTF-8")
        .body(answer)
}

fn known_operation(operation: &str) -> bool {
    hisgw::catalogue::outbound().any(|m| m.name == operation)
}

fn known_data_type(data_type: &str) -> bool {
    hisgw::catalogue::outbound().any(|m| m.name == "pushHisData" && m.data_type == Some(data_type))
}

fn content_type_is_xml(req: &HttpRequest) -> bool {
    req.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("text/xml"))
}

fn read_envelope(body: &str) -> Result<Envelope, String> {
    let doc = roxmltree::Document::parse(body).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "Envelope" || root.tag_name().namespace() != Some(SOAP11_NS) {
        return Err(format!(
            "expected a SOAP 1.1 Envelope ({{{SOAP11_NS}}}Envelope), found {{{}}}{}",
            root.tag_name().namespace().unwrap_or(""),
            root.tag_name().name()
        ));
    }
    let body = root
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "Body")
        .ok_or("the Envelope has no Body")?;
    let op = body
        .children()
        .find(|n| n.is_element())
        .ok_or("the Body is empty")?;
    let params: Vec<_> = op.children().filter(|n| n.is_element()).collect();
    let [param] = params.as_slice() else {
        return Err(format!(
            "<{}> must hold exactly one parameter element, found {}",
            op.tag_name().name(),
            params.len()
        ));
    };
    if let Some(child) = param.children().find(|n| n.is_element()) {
        return Err(format!(
            "parameter <{}> holds the element <{}>: the request must be XML-escaped text",
            param.tag_name().name(),
            child.tag_name().name()
        ));
    }
    Ok(Envelope {
        operation: op.tag_name().name().to_string(),
        namespace: op.tag_name().namespace().map(str::to_string),
        request: all_text(*param),
    })
}

fn all_text(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

pub fn children_fields(node: roxmltree::Node) -> BTreeMap<String, String> {
    node.children()
        .filter(|n| n.is_element())
        .map(|n| (n.tag_name().name().to_string(), all_text(n)))
        .collect()
}

fn read_request(operation: &str, text: &str) -> Request {
    if operation == "pushStopSchedule" {
        return match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(members)) => Request {
                fields: members
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => String::new(),
                            other => other.to_string(),
                        };
                        (k, v)
                    })
                    .collect(),
                ..Request::default()
            },
            Ok(_) => problem("请求不是 JSON 对象"),
            Err(e) => problem(format!("请求不是 JSON: {e}")),
        };
    }
    let doc = match roxmltree::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => return problem(format!("请求不是合法的 XML: {e}")),
    };
    let root = doc.root_element();
    if root.tag_name().name() != "request" {
        return problem(format!(
            "根元素应为 <request>，实为 <{}>",
            root.tag_name().name()
        ));
    }
    if operation != "pushHisData" {
        return Request {
            fields: children_fields(root),
            ..Request::default()
        };
    }
    let child = |name: &str| {
        root.children()
            .find(|n| n.is_element() && n.tag_name().name() == name)
    };
    let data_type = child("dataType").map(all_text);
    match child("data") {
        Some(data) => Request {
            data_type,
            fields: children_fields(data),
            problem: None,
        },
        None => Request {
            data_type,
            ..problem("缺少 <data>")
        },
    }
}

fn problem(why: impl Into<String>) -> Request {
    Request {
        problem: Some(why.into()),
        ..Request::default()
    }
}

fn sign_verifies(fields: &BTreeMap<String, String>, key: &str) -> bool {
    let Some(given) = fields.get("sign") else {
        return false;
    };
    let expected = hisgw::sign::sign(
        fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        key,
        &["realName"],
    );
    !given.trim().is_empty() && given.trim().eq_ignore_ascii_case(&expected)
}

/// The answer of a call processed as `Success` (or `Timeout`).
fn process(state: &mut State, call: &Call, request: &Request) -> Reply {
    if let Some(why) = &request.problem {
        return Reply::error(format!("请求格式错误: {why}"));
    }
    let field = |name: &str| call.fields.get(name).map(String::as_str).unwrap_or("");
    match call.operation.as_str() {
        "pushHisData" => match call.data_type.as_deref() {
            Some(t) if known_data_type(t) => Reply::success(""),
            Some(t) => Reply::error(format!("未知的 dataType: {t}")),
            None => Reply::error("缺少 dataType"),
        },
        "pushStopSchedule" => Reply::success(""),
        "checkAccount" => check_account(state, field("checkDate")),
        "refundApply" => refund_apply(state, call),
        "queryRefundStatus" => query_refund_status(state, field("hisId")),
        other => Reply::error(format!("unknown operation {other}")),
    }
}

fn check_account(state: &State, date: &str) -> Reply {
    if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() || date.len() != 10 {
        return Reply::error(format!("checkDate 应为 yyyy-MM-dd: {date:?}"));
    }
    let orders = state
        .ledgers
        .get(date)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let total: Decimal = orders
        .iter()
        .filter_map(|o| hisgw::money::parse_decimal(&o.cash))
        .sum();
    let mut more = String::new();
    element(&mut more, "totalCash", &hisgw::money::format_money(total));
    element(&mut more, "totalCount", &orders.len().to_string());
    more.push_str("<detail>");
    for o in orders {
        more.push_str("<data>");
        element(&mut more, "transactionType", &o.transaction_type);
        element(&mut more, "cash", &o.cash);
        element(&mut more, "tradeNo", &o.trade_no);
        element(&mut more, "orderType", &o.order_type.to_string());
        if !o.order_time.is_empty() {
            element(&mut more, "orderTime", &o.order_time);
        }
        element(&mut more, "payType", &o.pay_type);
        more.push_str("</data>");
    }
    more.push_str("</detail>");
    Reply {
        result: "SUCCESS",
        message: "获取对账单成功".into(),
        more,
    }
}

fn refund_apply(state: &mut State, call: &Call) -> Reply {
    if call.sign_ok != Some(true) {
        return Reply::error("签名错误");
    }
    let field = |name: &str| call.fields.get(name).map(String::as_str).unwrap_or("");
    for name in [
        "tradeNo",
        "refundAmount",
        "hisId",
        "realName",
        "patientCard",
        "hospitalId",
    ] {
        if field(name).trim().is_empty() {
            return Reply::error(format!("缺少参数: {name}"));
        }
    }
    let amount_text = field("refundAmount");
    let amount = match hisgw::money::parse_decimal(amount_text) {
        Some(a) if a > Decimal::ZERO => a,
        _ => return Reply::error(format!("退款金额无效: {amount_text}")),
    };
    let (his_id, trade_no) = (field("hisId"), field("tradeNo"));
    if let Some(known) = state.refunds.get(his_id) {
        return if known.trade_no == trade_no && known.amount == amount {
            Reply::success(known.refund_no.clone())
        } else {
            Reply::error(format!(
                "hisId {his_id} 已用于另一笔退款 (tradeNo {}, 金额 {})",
                known.trade_no, known.amount_text
            ))
        };
    }
    let refund_no = state.refund_number(his_id);
    state.refunds.insert(
        his_id.to_string(),
        Refund {
            refund_no: refund_no.clone(),
            trade_no: trade_no.to_string(),
            amount,
            amount_text: amount_text.to_string(),
        },
    );
    Reply::success(refund_no)
}

fn query_refund_status(state: &mut State, his_id: &str) -> Reply {
    let status = state.refund_statuses.get(his_id).copied();
    let (refund_no, trade_no, amount, status) = match (state.refunds.get(his_id), status) {
        (Some(r), status) => (
            r.refund_no.clone(),
            r.trade_no.clone(),
            r.amount_text.clone(),
            status.unwrap_or(2),
        ),
        (None, Some(status)) => {
            let last = state
                .calls
                .iter()
                .rev()
                .find(|c| c.operation == "refundApply" && c.field("hisId") == Some(his_id));
            let trade_no = last
                .and_then(|c| c.field("tradeNo"))
                .unwrap_or("")
                .to_string();
            let amount = last
                .and_then(|c| c.field("refundAmount"))
                .unwrap_or("")
                .to_string();
            (state.refund_number(his_id), trade_no, amount, status)
        }
        (None, None) => return Reply::error("no such refund"),
    };
    let mut more = String::new();
    element(&mut more, "refundNo", &refund_no);
    element(&mut more, "tradeNo", &trade_no);
    element(&mut more, "refundAmount", &amount);
    element(&mut more, "refundStatus", &status.to_string());
    Reply {
        result: "SUCCESS",
        message: String::new(),
        more,
    }
}

pub fn element(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape(value));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn fault(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"{SOAP11_NS}\"><soap:Body>\
         <soap:Fault><faultcode>{code}</faultcode><faultstring>{}</faultstring></soap:Fault>\
         </soap:Body></soap:Envelope>",
        escape(message)
    );
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a valid status"))
        .content_type("text/xml;charset=UTF-8")
        .body(body)
}

/// A hospital.toml's `[platform]` for the stand-in at `url` (the demo's
/// platform ids, a short timeout).
pub fn table(url: &str) -> toml::Table {
    let mut p = toml::Table::new();
    p.insert("address".into(), url.into());
    p.insert("hospital_id".into(), "demoyyadmin".into());
    p.insert("hospital_area_id".into(), "01".into());
    p.insert("timeout_ms".into(), toml::Value::Integer(1500));
    p
}
