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

const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The answer's namespace when the call's operation element had none.
const DEFAULT_NS: &str = "http://service.ehospital.ruibo.stand-in/";
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

fn children_fields(node: roxmltree::Node) -> BTreeMap<String, String> {
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

fn element(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape(value));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "test-sign-key-0123456789";
    const NS: &str = "http://service.ehospital.witon.com/";

    /// A CXF-style SOAP 1.1 call: the request escaped as `<arg0>` text.
    fn envelope(operation: &str, request: &str) -> String {
        format!(
            "<soap:Envelope xmlns:soap=\"{SOAP11_NS}\"><soap:Body><ns:{operation} xmlns:ns=\"{NS}\">\
             <arg0>{}</arg0></ns:{operation}></soap:Body></soap:Envelope>",
            escape(request)
        )
    }

    struct Answer {
        status: u16,
        content_type: String,
        body: String,
    }

    impl Answer {
        /// The `<{operation}Response>` element's local name and namespace,
        /// and the text of its `<return>`.
        fn unwrap(&self) -> (String, String, String) {
            let doc = roxmltree::Document::parse(&self.body)
                .unwrap_or_else(|e| panic!("answer is not XML ({e}): {}", self.body));
            let root = doc.root_element();
            assert_eq!(root.tag_name().namespace(), Some(SOAP11_NS));
            let op = root
                .descendants()
                .find(|n| n.is_element() && n.tag_name().name().ends_with("Response"))
                .unwrap_or_else(|| panic!("no …Response element: {}", self.body));
            let ret = op
                .children()
                .find(|n| n.has_tag_name("return"))
                .expect("a <return>");
            (
                op.tag_name().name().to_string(),
                op.tag_name().namespace().unwrap_or("").to_string(),
                ret.text().unwrap_or_default().to_string(),
            )
        }

        /// The `<response>` inside `<return>`, its simple children by name.
        fn response(&self) -> BTreeMap<String, String> {
            let (_, _, text) = self.unwrap();
            let doc = roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("<return> is not XML ({e}): {text}"));
            assert!(doc.root_element().has_tag_name("response"), "{text}");
            children_fields(doc.root_element())
        }

        fn result(&self) -> String {
            self.response().remove("result").unwrap_or_default()
        }

        fn message(&self) -> String {
            self.response().remove("message").unwrap_or_default()
        }

        fn fault(&self) -> String {
            let doc = roxmltree::Document::parse(&self.body).expect("a fault is XML");
            doc.descendants()
                .find(|n| n.has_tag_name("faultstring"))
                .and_then(|n| n.text())
                .unwrap_or_else(|| panic!("no faultstring: {}", self.body))
                .to_string()
        }
    }

    async fn post_body(platform: &Platform, content_type: &str, body: String) -> Answer {
        let response = reqwest::Client::new()
            .post(&platform.url)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("sent");
        Answer {
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
            body: response.text().await.expect("body"),
        }
    }

    async fn post(platform: &Platform, operation: &str, request: &str) -> Answer {
        post_body(
            platform,
            "text/xml; charset=utf-8",
            envelope(operation, request),
        )
        .await
    }

    fn xml(root: &str, fields: &[(&str, &str)]) -> String {
        let mut out = format!("<{root}>");
        for (k, v) in fields {
            element(&mut out, k, v);
        }
        out.push_str(&format!("</{root}>"));
        out
    }

    fn push(data_type: &str, fields: &[(&str, &str)]) -> String {
        format!(
            "<request><dataType>{data_type}</dataType>{}</request>",
            xml("data", fields)
        )
    }

    /// A refundApply request signed with `key` (realName not signed).
    fn refund(his_id: &str, trade_no: &str, amount: &str, key: &str) -> String {
        let mut fields = vec![
            ("tradeNo", trade_no),
            ("refundAmount", amount),
            ("hisId", his_id),
            ("realName", "张三"),
            ("patientCard", "100034567"),
            ("hospitalId", "demoyyadmin"),
            ("is_reverse", "0"),
            ("cashier_id", ""),
        ];
        let sign = hisgw::sign::sign(fields.iter().copied(), key, &["realName"]);
        fields.push(("sign", &sign));
        xml("request", &fields)
    }

    #[tokio::test]
    async fn a_push_is_recorded_with_its_data_and_answered_success() {
        let platform = Platform::start(KEY).await;
        assert!(platform.url.starts_with("http://127.0.0.1:"));
        assert!(platform.url.ends_with("/services/ehospital"));
        let request = push(
            "getMedicalSuccess",
            &[
                ("hospitalId", "demoyyadmin"),
                ("tradeNo", "EH0001"),
                ("his_no", "903230002,903230003"),
                ("status", "1"),
                ("note", "a < b & c"),
            ],
        );
        let answer = post(&platform, "pushHisData", &request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(
            answer.content_type.starts_with("text/xml"),
            "{}",
            answer.content_type
        );
        let (name, ns, _) = answer.unwrap();
        assert_eq!(name, "pushHisDataResponse");
        assert_eq!(ns, NS, "the answer uses the call's namespace");
        assert_eq!(answer.result(), "SUCCESS");
        assert_eq!(answer.message(), "");

        let calls = platform.calls();
        assert_eq!(calls.len(), 1);
        let call = &calls[0];
        assert_eq!(call.operation, "pushHisData");
        assert_eq!(call.data_type.as_deref(), Some("getMedicalSuccess"));
        assert_eq!(call.field("tradeNo"), Some("EH0001"));
        assert_eq!(call.field("his_no"), Some("903230002,903230003"));
        assert_eq!(call.field("note"), Some("a < b & c"));
        assert_eq!(call.fields.len(), 5);
        assert_eq!(call.raw, request);
        assert_eq!(call.sign_ok, None);
        assert_eq!(platform.calls_for("getMedicalSuccess").len(), 1);
        assert_eq!(platform.calls_for("pushHisData").len(), 1);
        assert!(platform.calls_for("pushDayExpense").is_empty());
    }

    #[tokio::test]
    async fn every_push_data_type_of_the_catalogue_is_accepted_and_others_are_not() {
        let platform = Platform::start(KEY).await;
        let data_types: Vec<_> = hisgw::catalogue::outbound()
            .filter_map(|m| m.data_type)
            .collect();
        assert_eq!(data_types.len(), 9);
        for data_type in &data_types {
            let answer = post(
                &platform,
                "pushHisData",
                &push(data_type, &[("hospital_id", "h")]),
            )
            .await;
            assert_eq!(answer.result(), "SUCCESS", "{data_type}: {}", answer.body);
            assert_eq!(platform.calls_for(data_type).len(), 1, "{data_type}");
        }
        let answer = post(&platform, "pushHisData", &push("pushSomethingElse", &[])).await;
        assert_eq!(answer.result(), "ERROR");
        assert!(
            answer.message().contains("pushSomethingElse"),
            "{}",
            answer.message()
        );
        let answer = post(
            &platform,
            "pushHisData",
            "<request><dataType>getMedicalSuccess</dataType></request>",
        )
        .await;
        assert_eq!(answer.result(), "ERROR", "no <data>");
        assert_eq!(platform.calls_for("pushHisData").len(), 11);
    }

    #[tokio::test]
    async fn push_stop_schedule_is_json_both_ways() {
        let platform = Platform::start(KEY).await;
        let request = r#"{"hospitalId":"witonyy","scheduleId":"110010010","clinicDate":"2017-06-28","clinicTime":"上午","seq":3,"doctorCode":null}"#;
        let answer = post(&platform, "pushStopSchedule", request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let (name, _, text) = answer.unwrap();
        assert_eq!(name, "pushStopScheduleResponse");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON answer");
        assert_eq!(json["result"], "SUCCESS");
        assert_eq!(json["message"], "");
        let call = &platform.calls_for("pushStopSchedule")[0];
        assert_eq!(call.data_type, None);
        assert_eq!(call.field("scheduleId"), Some("110010010"));
        assert_eq!(call.field("clinicTime"), Some("上午"));
        assert_eq!(call.field("seq"), Some("3"));
        assert_eq!(call.field("doctorCode"), Some(""));
        assert_eq!(call.raw, request);

        platform.script(
            "pushStopSchedule",
            vec![Behavior::Error("排班不存在".into())],
        );
        let answer = post(&platform, "pushStopSchedule", request).await;
        let json: serde_json::Value = serde_json::from_str(&answer.unwrap().2).unwrap();
        assert_eq!(json["result"], "ERROR");
        assert_eq!(json["message"], "排班不存在");
        let answer = post(&platform, "pushStopSchedule", "<request/>").await;
        let json: serde_json::Value = serde_json::from_str(&answer.unwrap().2).unwrap();
        assert_eq!(json["result"], "ERROR", "XML is not the JSON 16.9 wants");
    }

    #[tokio::test]
    async fn check_account_answers_the_ledger_of_the_date() {
        let platform = Platform::start(KEY).await;
        let order = |trade_no: &str, cash: &str, order_type: u8, time: &str| Order {
            trade_no: trade_no.into(),
            cash: cash.into(),
            order_type,
            transaction_type: "2".into(),
            order_time: time.into(),
            pay_type: "wechat".into(),
        };
        platform.set_ledger(
            "2026-11-26",
            vec![
                order("EH01", "12.00", 1, "2026-11-26 09:54:08"),
                order("EH02", "460.78", 1, "2026-11-26 08:35:50"),
                order("EH01", "12", 2, ""),
            ],
        );
        let request = xml(
            "request",
            &[("checkDate", "2026-11-26"), ("hospitalId", "demoyyadmin")],
        );
        let answer = post(&platform, "checkAccount", &request).await;
        assert_eq!(answer.unwrap().0, "checkAccountResponse");
        let head = answer.response();
        assert_eq!(head["result"], "SUCCESS");
        assert_eq!(head["totalCash"], "484.78");
        assert_eq!(head["totalCount"], "3");
        let (_, _, text) = answer.unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let detail = doc
            .descendants()
            .find(|n| n.has_tag_name("detail"))
            .expect("<detail>");
        let rows: Vec<_> = detail
            .children()
            .filter(|n| n.has_tag_name("data"))
            .map(children_fields)
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["tradeNo"], "EH01");
        assert_eq!(rows[0]["cash"], "12.00");
        assert_eq!(rows[0]["orderType"], "1");
        assert_eq!(rows[0]["transactionType"], "2");
        assert_eq!(rows[0]["orderTime"], "2026-11-26 09:54:08");
        assert_eq!(rows[0]["payType"], "wechat");
        assert_eq!(rows[2]["orderType"], "2");
        assert!(
            !rows[2].contains_key("orderTime"),
            "an empty orderTime is left out"
        );
        let call = &platform.calls_for("checkAccount")[0];
        assert_eq!(call.field("checkDate"), Some("2026-11-26"));
        assert_eq!(call.field("hospitalId"), Some("demoyyadmin"));

        // Another date: no orders.
        let request = xml(
            "request",
            &[("checkDate", "2026-11-27"), ("hospitalId", "demoyyadmin")],
        );
        let answer = post(&platform, "checkAccount", &request).await;
        let head = answer.response();
        assert_eq!(head["result"], "SUCCESS");
        assert_eq!(head["totalCash"], "0.00");
        assert_eq!(head["totalCount"], "0");
        assert!(answer.unwrap().2.contains("<detail></detail>"));

        let request = xml(
            "request",
            &[("checkDate", "26.11.2026"), ("hospitalId", "demoyyadmin")],
        );
        assert_eq!(
            post(&platform, "checkAccount", &request).await.result(),
            "ERROR"
        );
    }

    #[tokio::test]
    async fn refund_apply_checks_the_sign_and_is_idempotent_per_his_id() {
        let platform = Platform::start(KEY).await;
        let answer = post(
            &platform,
            "refundApply",
            &refund("H1", "EH01", "10.00", KEY),
        )
        .await;
        assert_eq!(answer.unwrap().0, "refundApplyResponse");
        assert_eq!(answer.result(), "SUCCESS", "{}", answer.body);
        assert_eq!(answer.message(), "RF000001");
        let call = &platform.calls_for("refundApply")[0];
        assert_eq!(call.sign_ok, Some(true));
        assert_eq!(call.field("realName"), Some("张三"));
        assert_eq!(call.field("cashier_id"), Some(""));

        // The same refund again (the amount written differently): the same number.
        let answer = post(&platform, "refundApply", &refund("H1", "EH01", "10", KEY)).await;
        assert_eq!(
            (answer.result(), answer.message()),
            ("SUCCESS".into(), "RF000001".into())
        );
        // The same hisId for another amount or order: refused.
        let answer = post(&platform, "refundApply", &refund("H1", "EH01", "9.00", KEY)).await;
        assert_eq!(answer.result(), "ERROR");
        let answer = post(
            &platform,
            "refundApply",
            &refund("H1", "EH02", "10.00", KEY),
        )
        .await;
        assert_eq!(answer.result(), "ERROR");
        // Another hisId: a new number.
        let answer = post(&platform, "refundApply", &refund("H2", "EH01", "5.00", KEY)).await;
        assert_eq!(answer.message(), "RF000002");

        // realName is not signed: changing it keeps the sign valid.
        let renamed = refund("H3", "EH03", "1.00", KEY).replace("张三", "李四");
        assert_eq!(
            post(&platform, "refundApply", &renamed).await.result(),
            "SUCCESS"
        );
        // A sign made with another key, or a changed amount, is refused (and recorded).
        let answer = post(
            &platform,
            "refundApply",
            &refund("H4", "EH04", "1.00", "other-key"),
        )
        .await;
        assert_eq!(
            (answer.result(), answer.message()),
            ("ERROR".into(), "签名错误".into())
        );
        let tampered = refund("H5", "EH05", "1.00", KEY).replace("1.00", "100.00");
        assert_eq!(
            post(&platform, "refundApply", &tampered).await.message(),
            "签名错误"
        );
        // Lower-case hex is accepted.
        let lower = refund("H6", "EH06", "1.00", KEY);
        let sign = hisgw::sign::sign(
            [
                ("tradeNo", "EH06"),
                ("refundAmount", "1.00"),
                ("hisId", "H6"),
                ("patientCard", "100034567"),
                ("hospitalId", "demoyyadmin"),
                ("is_reverse", "0"),
            ],
            KEY,
            &[],
        );
        let lower = lower.replace(&sign, &sign.to_lowercase());
        assert_ne!(lower, refund("H6", "EH06", "1.00", KEY));
        assert_eq!(
            post(&platform, "refundApply", &lower).await.result(),
            "SUCCESS"
        );

        let signs: Vec<_> = platform
            .calls_for("refundApply")
            .iter()
            .map(|c| c.sign_ok)
            .collect();
        assert_eq!(
            signs,
            [true, true, true, true, true, true, false, false, true].map(Some)
        );
        // A wrong sign refunded nothing.
        let query = xml("request", &[("hisId", "H4"), ("hospitalId", "demoyyadmin")]);
        assert_eq!(
            post(&platform, "queryRefundStatus", &query).await.message(),
            "no such refund"
        );
    }

    #[tokio::test]
    async fn query_refund_status_answers_refunds_and_set_statuses() {
        let platform = Platform::start(KEY).await;
        let query = |his_id: &str| {
            xml(
                "request",
                &[("hisId", his_id), ("hospitalId", "demoyyadmin")],
            )
        };
        let answer = post(&platform, "queryRefundStatus", &query("H1")).await;
        assert_eq!(answer.unwrap().0, "queryRefundStatusResponse");
        assert_eq!(
            (answer.result(), answer.message()),
            ("ERROR".into(), "no such refund".into())
        );

        post(
            &platform,
            "refundApply",
            &refund("H1", "EH01", "10.00", KEY),
        )
        .await;
        let r = post(&platform, "queryRefundStatus", &query("H1"))
            .await
            .response();
        assert_eq!(r["result"], "SUCCESS");
        assert_eq!(r["refundNo"], "RF000001");
        assert_eq!(r["tradeNo"], "EH01");
        assert_eq!(r["refundAmount"], "10.00");
        assert_eq!(r["refundStatus"], "2");
        platform.set_refund_status("H1", 3);
        let r = post(&platform, "queryRefundStatus", &query("H1"))
            .await
            .response();
        assert_eq!(
            (r["refundNo"].as_str(), r["refundStatus"].as_str()),
            ("RF000001", "3")
        );

        // A refund answered UNKNOWN that the platform says is in progress.
        platform.script("refundApply", vec![Behavior::Unknown]);
        assert_eq!(
            post(&platform, "refundApply", &refund("H2", "EH02", "7.50", KEY))
                .await
                .result(),
            "UNKNOWN"
        );
        assert_eq!(
            post(&platform, "queryRefundStatus", &query("H2"))
                .await
                .result(),
            "ERROR"
        );
        platform.set_refund_status("H2", 4);
        let r = post(&platform, "queryRefundStatus", &query("H2"))
            .await
            .response();
        assert_eq!(r["result"], "SUCCESS");
        assert_eq!(r["refundStatus"], "4");
        assert_eq!(r["tradeNo"], "EH02");
        assert_eq!(r["refundAmount"], "7.50");
        let number = r["refundNo"].clone();
        assert_eq!(number, "RF000002");
        // Asking again for it keeps that number.
        let answer = post(&platform, "refundApply", &refund("H2", "EH02", "7.50", KEY)).await;
        assert_eq!(
            (answer.result(), answer.message()),
            ("SUCCESS".into(), number)
        );
        let r = post(&platform, "queryRefundStatus", &query("H2"))
            .await
            .response();
        assert_eq!(r["refundStatus"], "4", "the set status stays");
    }

    #[tokio::test]
    async fn scripts_are_used_in_order_then_success() {
        let platform = Platform::start(KEY).await;
        platform.script("refundApply", vec![Behavior::Unknown, Behavior::Unknown]);
        let request = refund("H1", "EH01", "10.00", KEY);
        let mut answers = Vec::new();
        for _ in 0..3 {
            answers.push(post(&platform, "refundApply", &request).await);
        }
        let got: Vec<_> = answers.iter().map(|a| (a.result(), a.message())).collect();
        assert_eq!(
            got,
            [
                ("UNKNOWN".to_string(), String::new()),
                ("UNKNOWN".to_string(), String::new()),
                ("SUCCESS".to_string(), "RF000001".to_string())
            ]
        );
        assert_eq!(platform.calls_for("refundApply").len(), 3);

        // By dataType, falling back to "pushHisData"; other operations untouched.
        platform.script("pushDayExpense", vec![Behavior::Error("busy".into())]);
        platform.script("pushHisData", vec![Behavior::Unknown]);
        let day = push("pushDayExpense", &[("hospital_id", "h")]);
        let a = post(&platform, "pushHisData", &day).await;
        assert_eq!((a.result(), a.message()), ("ERROR".into(), "busy".into()));
        assert_eq!(
            post(&platform, "pushHisData", &day).await.result(),
            "UNKNOWN"
        );
        assert_eq!(
            post(&platform, "pushHisData", &day).await.result(),
            "SUCCESS"
        );
        let check = xml(
            "request",
            &[("checkDate", "2026-11-26"), ("hospitalId", "h")],
        );
        assert_eq!(
            post(&platform, "checkAccount", &check).await.result(),
            "SUCCESS"
        );

        // Http500: a SOAP Fault; the call is recorded and nothing is processed.
        platform.script("refundApply", vec![Behavior::Http500]);
        let answer = post(&platform, "refundApply", &refund("H9", "EH09", "1.00", KEY)).await;
        assert_eq!(answer.status, 500);
        assert!(answer.content_type.starts_with("text/xml"));
        assert_eq!(answer.fault(), "scripted HTTP 500");
        assert_eq!(platform.calls_for("refundApply").len(), 4);
        let query = xml("request", &[("hisId", "H9"), ("hospitalId", "h")]);
        assert_eq!(
            post(&platform, "queryRefundStatus", &query).await.result(),
            "ERROR"
        );
        // A new script replaces what was left.
        platform.script(
            "pushClinicFinish",
            vec![Behavior::Unknown, Behavior::Unknown],
        );
        platform.script("pushClinicFinish", vec![]);
        let finish = push("pushClinicFinish", &[("his_id", "1")]);
        assert_eq!(
            post(&platform, "pushHisData", &finish).await.result(),
            "SUCCESS"
        );
    }

    #[tokio::test]
    async fn timeout_processes_the_call_but_answers_late() {
        let platform = Platform::start(KEY).await;
        platform.script(
            "refundApply",
            vec![
                Behavior::Timeout(Duration::from_millis(1500)),
                Behavior::Timeout(Duration::from_millis(300)),
            ],
        );
        let request = refund("H1", "EH01", "10.00", KEY);
        let started = Instant::now();
        let err = reqwest::Client::new()
            .post(&platform.url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(envelope("refundApply", &request))
            .timeout(Duration::from_millis(200))
            .send()
            .await
            .expect_err("the client times out");
        assert!(err.is_timeout(), "{err}");
        assert!(started.elapsed() < Duration::from_millis(1400));
        let calls = platform.calls_for("refundApply");
        assert_eq!(calls.len(), 1, "recorded before the wait");
        assert!(calls[0].at >= started);

        // A wait shorter than the client's patience: answered after it.
        let started = Instant::now();
        let answer = post(&platform, "refundApply", &request).await;
        assert!(started.elapsed() >= Duration::from_millis(300));
        // The timed-out call was processed: the retry gets its number.
        assert_eq!(
            (answer.result(), answer.message()),
            ("SUCCESS".into(), "RF000001".into())
        );
    }

    #[tokio::test]
    async fn unreadable_calls_are_faults_and_still_recorded() {
        let platform = Platform::start(KEY).await;
        let cases = [
            ("text/xml", "not xml".to_string(), 500, "not well-formed"),
            (
                "text/xml",
                format!(
                    "<soap:Envelope xmlns:soap=\"{SOAP11_NS}\"><soap:Body><ns:pushHisData xmlns:ns=\"{NS}\">\
                     <arg0><request><dataType>x</dataType></request></arg0></ns:pushHisData></soap:Body></soap:Envelope>"
                ),
                500,
                "XML-escaped",
            ),
            ("text/xml", envelope("noSuchOperation", "<request/>"), 500, "noSuchOperation"),
            (
                "text/xml",
                envelope("pushHisData", "<request/>").replace(SOAP11_NS, "http://www.w3.org/2003/05/soap-envelope"),
                500,
                "SOAP 1.1",
            ),
            ("application/soap+xml", envelope("checkAccount", "<request/>"), 415, "text/xml"),
        ];
        for (content_type, body, status, says) in cases {
            let answer = post_body(&platform, content_type, body.clone()).await;
            assert_eq!(answer.status, status, "{body}: {}", answer.body);
            assert!(answer.fault().contains(says), "{body}: {}", answer.fault());
        }
        let calls = platform.calls();
        assert_eq!(calls.len(), 5);
        assert_eq!(calls[0].operation, "");
        assert_eq!(calls[0].raw, "not xml");
        assert_eq!(calls[2].operation, "noSuchOperation");
        assert_eq!(calls[4].operation, "checkAccount");

        // Other paths and methods are not the service.
        let client = reqwest::Client::new();
        let other = platform.url.replace("/services/ehospital", "/other");
        assert_eq!(
            client.post(other).send().await.unwrap().status().as_u16(),
            404
        );
        assert_eq!(
            client
                .get(&platform.url)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            405
        );
        assert_eq!(platform.calls().len(), 5);
    }

    #[tokio::test]
    async fn the_parameter_may_have_any_name_and_the_operation_any_prefix() {
        let platform = Platform::start(KEY).await;
        let body = format!(
            "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"{SOAP11_NS}\"><s:Header/><s:Body>\
             <checkAccount><in0><![CDATA[<request><checkDate>2026-11-26</checkDate><hospitalId>h</hospitalId></request>]]></in0></checkAccount>\
             </s:Body></s:Envelope>"
        );
        let answer = post_body(&platform, "text/xml;charset=UTF-8", body).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let (name, ns, _) = answer.unwrap();
        assert_eq!(name, "checkAccountResponse");
        assert_eq!(ns, DEFAULT_NS);
        assert_eq!(answer.result(), "SUCCESS");
        assert_eq!(platform.calls()[0].field("checkDate"), Some("2026-11-26"));
    }
}
