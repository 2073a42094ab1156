//! WSDL: describes a hospital's SOAP service as WSDL 1.1 text.
//!
//! This module owns the WSDL document only: one document/literal wrapped
//! operation per mapped method (Apache CXF style: wrapper elements qualified
//! in the target namespace, their `arg0`/`return` children unqualified, each
//! holding the `<request>`/`<response>` XML as text), an optional dispatcher
//! operation, a SOAP 1.1 and a SOAP 1.2 binding and one service with a port
//! for each. It follows the WS-I Basic Profile: one part named `parameters`
//! per message, wrapper elements named as the operations.
//!
//! It must never touch requests, replies or databases: it turns a
//! [`Service`] description into text and nothing else.

use serde::Deserialize;

use crate::catalogue::Method;
use crate::encode::escape_into;

/// `[soap]`: the names of a hospital's SOAP service. Clients generated from
/// another HIS's WSDL keep working when these names match it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoapConfig {
    /// The target namespace of the WSDL and of answers to calls that name none.
    #[serde(default = "default_soap_namespace")]
    pub namespace: String,
    /// The string parameter that carries `<request>` (Apache CXF: `arg0`).
    #[serde(default = "default_soap_param")]
    pub param: String,
    /// The service address the WSDL gives, as the platform reaches the
    /// gateway (behind NAT or a proxy); default: the address the WSDL was
    /// asked for.
    pub address: Option<String>,
    /// One operation for every method, e.g. `CallServer(FUNC, IN_XML)`.
    pub dispatcher: Option<DispatcherConfig>,
}

impl Default for SoapConfig {
    fn default() -> Self {
        SoapConfig {
            namespace: default_soap_namespace(),
            param: default_soap_param(),
            address: None,
            dispatcher: None,
        }
    }
}

fn default_soap_namespace() -> String {
    "http://hisgw.local/his".into()
}

/// The string parameter of a CXF-style operation.
pub fn default_soap_param() -> String {
    "arg0".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatcherConfig {
    pub operation: String,
    pub method_param: String,
    pub request_param: String,
}

impl SoapConfig {
    /// The service of `hospital` offering `methods`, at the configured
    /// address or else at `fallback`.
    pub fn service<'a>(
        &'a self,
        hospital: &'a str,
        methods: Vec<&'static Method>,
        fallback: &'a str,
    ) -> Service<'a> {
        Service {
            hospital,
            namespace: &self.namespace,
            param: &self.param,
            address: self.address.as_deref().unwrap_or(fallback),
            methods,
            dispatcher: self.dispatcher.as_ref().map(|d| Dispatcher {
                operation: &d.operation,
                method_param: &d.method_param,
                request_param: &d.request_param,
            }),
        }
    }

    /// What would make the hospital's WSDL invalid, each as `[soap]: …`.
    pub fn problems(&self, hospital: &str, methods: Vec<&'static Method>) -> Vec<String> {
        self.service(hospital, methods, "http://localhost/soap")
            .problems()
            .into_iter()
            .map(|p| format!("[soap]: {p}"))
            .collect()
    }
}

const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const SOAP11_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const SOAP12_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
const HTTP_TRANSPORT: &str = "http://schemas.xmlsoap.org/soap/http";

/// A dispatcher operation: one operation carrying the method name and the request XML.
pub struct Dispatcher<'a> {
    pub operation: &'a str,
    pub method_param: &'a str,
    pub request_param: &'a str,
}

/// One hospital's SOAP service.
pub struct Service<'a> {
    /// Used in the service, port and binding names (`{hospital}HisService`),
    /// made an NCName first.
    pub hospital: &'a str,
    /// The targetNamespace, e.g. `http://hisgw.local/his`.
    pub namespace: &'a str,
    /// The request string element of every method operation (CXF: `arg0`).
    pub param: &'a str,
    /// The `soap:address` location of both ports.
    pub address: &'a str,
    /// The methods the hospital maps, in spec order.
    pub methods: Vec<&'static Method>,
    pub dispatcher: Option<Dispatcher<'a>>,
}

impl Service<'_> {
    /// Everything that would make the WSDL invalid, all at once (empty when
    /// none): names that are not NCNames, wrapper elements that collide (a
    /// dispatcher named like a method), a namespace or address that is not
    /// an absolute URI (XML parsers refuse such a namespace).
    /// [`wsdl`] writes whatever it is given; settings should check this first.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (what, value) in [("namespace", self.namespace), ("address", self.address)] {
            if !is_uri(value) {
                problems.push(format!("SOAP {what} {value:?} is not an absolute URI"));
            }
        }
        for (what, name) in self.names() {
            if !is_ncname(name) {
                problems.push(format!("SOAP {what} {name:?} is not an XML name"));
            }
        }
        if let Some(d) = &self.dispatcher {
            if d.method_param == d.request_param {
                problems.push(format!(
                    "SOAP dispatcher parameters are both {:?}",
                    d.method_param
                ));
            }
        }
        problems.extend(element_clashes(&operations(self)));
        problems
    }

    /// The configured names that become XML names, with what they are.
    fn names(&self) -> Vec<(&'static str, &str)> {
        let mut names = vec![("parameter", self.param)];
        if let Some(d) = &self.dispatcher {
            names.push(("dispatcher operation", d.operation));
            names.push(("dispatcher parameter", d.method_param));
            names.push(("dispatcher parameter", d.request_param));
        }
        names
    }
}

/// WSDL 1.1 text: types (one xs:schema with the wrapper elements), messages,
/// one portType, two bindings (SOAP 1.1 `soap:` and SOAP 1.2 `soap12:`,
/// style document, use literal, soapAction = the operation name;
/// soapActionRequired false for 1.2), one service with two ports.
pub fn wsdl(service: &Service<'_>) -> String {
    let names = Names::new(service.hospital);
    let ops = operations(service);
    let mut xml = Xml::default();
    xml.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.open(
        "wsdl:definitions",
        &[
            ("name", &names.service()),
            ("targetNamespace", service.namespace),
            ("xmlns:wsdl", WSDL_NS),
            ("xmlns:soap", SOAP11_NS),
            ("xmlns:soap12", SOAP12_NS),
            ("xmlns:xs", XSD_NS),
            ("xmlns:tns", service.namespace),
        ],
    );
    types(&mut xml, service.namespace, &ops);
    messages(&mut xml, &ops);
    port_type(&mut xml, &names, &ops);
    binding(&mut xml, &names, &ops, Soap::V11);
    binding(&mut xml, &names, &ops, Soap::V12);
    service_ports(&mut xml, &names, service.address);
    xml.close("wsdl:definitions");
    xml.out
}

/// One operation: its name (also its request wrapper element), the string
/// children of the request wrapper, and its documentation.
struct Operation<'a> {
    name: &'a str,
    params: Vec<&'a str>,
    doc: String,
}

impl Operation<'_> {
    fn response(&self) -> String {
        format!("{}Response", self.name)
    }
}

/// The methods (each once, first place kept), then the dispatcher.
fn operations<'a>(service: &'a Service<'_>) -> Vec<Operation<'a>> {
    let mut ops: Vec<Operation<'a>> = Vec::new();
    for method in &service.methods {
        if ops.iter().all(|op| op.name != method.name) {
            ops.push(Operation {
                name: method.name,
                params: vec![service.param],
                doc: format!("{} {}", method.section, method.title),
            });
        }
    }
    if let Some(d) = &service.dispatcher {
        ops.push(Operation {
            name: d.operation,
            params: vec![d.method_param, d.request_param],
            doc: format!(
                "按方法名调用：{} 为方法名，{} 为 <request> 请求 XML",
                d.method_param, d.request_param
            ),
        });
    }
    ops
}

/// Wrapper element names used twice (schema elements and messages share them).
fn element_clashes(ops: &[Operation<'_>]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut clashes = Vec::new();
    for name in ops
        .iter()
        .flat_map(|op| [op.name.to_owned(), op.response()])
    {
        if !seen.insert(name.clone()) {
            clashes.push(format!("SOAP element {name:?} would be defined twice"));
        }
    }
    clashes
}

/// The names derived from the hospital: `{hospital}His` plus a suffix.
struct Names {
    base: String,
}

impl Names {
    fn new(hospital: &str) -> Self {
        Names {
            base: format!("{}His", ncname(hospital)),
        }
    }

    fn service(&self) -> String {
        format!("{}Service", self.base)
    }

    fn port_type(&self) -> String {
        format!("{}PortType", self.base)
    }

    fn binding(&self, soap: Soap) -> String {
        format!("{}{}Binding", self.base, soap.suffix())
    }

    fn port(&self, soap: Soap) -> String {
        format!("{}{}Port", self.base, soap.suffix())
    }
}

/// The two SOAP versions of the bindings.
#[derive(Clone, Copy)]
enum Soap {
    V11,
    V12,
}

impl Soap {
    fn prefix(self) -> &'static str {
        match self {
            Soap::V11 => "soap",
            Soap::V12 => "soap12",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Soap::V11 => "Soap",
            Soap::V12 => "Soap12",
        }
    }

    fn element(self, local: &str) -> String {
        format!("{}:{local}", self.prefix())
    }
}

fn types(xml: &mut Xml, namespace: &str, ops: &[Operation<'_>]) {
    xml.open("wsdl:types", &[]);
    xml.open(
        "xs:schema",
        &[
            ("targetNamespace", namespace),
            ("elementFormDefault", "unqualified"),
            ("attributeFormDefault", "unqualified"),
        ],
    );
    for op in ops {
        wrapper_element(xml, op.name, &op.params);
        wrapper_element(xml, &op.response(), &["return"]);
    }
    xml.close("xs:schema");
    xml.close("wsdl:types");
}

/// `<xs:element name=…>` with a sequence of optional string children (as CXF
/// writes a `String` argument).
fn wrapper_element(xml: &mut Xml, name: &str, children: &[&str]) {
    xml.open("xs:element", &[("name", name)]);
    xml.open("xs:complexType", &[]);
    xml.open("xs:sequence", &[]);
    for child in children {
        xml.empty(
            "xs:element",
            &[("name", child), ("type", "xs:string"), ("minOccurs", "0")],
        );
    }
    xml.close("xs:sequence");
    xml.close("xs:complexType");
    xml.close("xs:element");
}

fn messages(xml: &mut Xml, ops: &[Operation<'_>]) {
    for op in ops {
        message(xml, op.name);
        message(xml, &op.response());
    }
}

/// A message named as its element, with the one part `parameters`.
fn message(xml: &mut Xml, name: &str) {
    let element = format!("tns:{name}");
    xml.open("wsdl:message", &[("name", name)]);
    xml.empty(
        "wsdl:part",
        &[("name", "parameters"), ("element", &element)],
    );
    xml.close("wsdl:message");
}

fn port_type(xml: &mut Xml, names: &Names, ops: &[Operation<'_>]) {
    xml.open("wsdl:portType", &[("name", &names.port_type())]);
    for op in ops {
        let response = op.response();
        xml.open("wsdl:operation", &[("name", op.name)]);
        xml.text("wsdl:documentation", &op.doc);
        let input = format!("tns:{}", op.name);
        let output = format!("tns:{response}");
        xml.empty("wsdl:input", &[("name", op.name), ("message", &input)]);
        xml.empty("wsdl:output", &[("name", &response), ("message", &output)]);
        xml.close("wsdl:operation");
    }
    xml.close("wsdl:portType");
}

fn binding(xml: &mut Xml, names: &Names, ops: &[Operation<'_>], soap: Soap) {
    let port_type = format!("tns:{}", names.port_type());
    xml.open(
        "wsdl:binding",
        &[("name", &names.binding(soap)), ("type", &port_type)],
    );
    xml.empty(
        &soap.element("binding"),
        &[("style", "document"), ("transport", HTTP_TRANSPORT)],
    );
    for op in ops {
        binding_operation(xml, op, soap);
    }
    xml.close("wsdl:binding");
}

fn binding_operation(xml: &mut Xml, op: &Operation<'_>, soap: Soap) {
    let mut attrs = vec![("soapAction", op.name)];
    if let Soap::V12 = soap {
        attrs.push(("soapActionRequired", "false"));
    }
    attrs.push(("style", "document"));
    xml.open("wsdl:operation", &[("name", op.name)]);
    xml.empty(&soap.element("operation"), &attrs);
    for (tag, name) in [
        ("wsdl:input", op.name.to_owned()),
        ("wsdl:output", op.response()),
    ] {
        xml.open(tag, &[("name", &name)]);
        xml.empty(&soap.element("body"), &[("use", "literal")]);
        xml.close(tag);
    }
    xml.close("wsdl:operation");
}

fn service_ports(xml: &mut Xml, names: &Names, address: &str) {
    xml.open("wsdl:service", &[("name", &names.service())]);
    for soap in [Soap::V11, Soap::V12] {
        let binding = format!("tns:{}", names.binding(soap));
        xml.open(
            "wsdl:port",
            &[("name", &names.port(soap)), ("binding", &binding)],
        );
        xml.empty(&soap.element("address"), &[("location", address)]);
        xml.close("wsdl:port");
    }
    xml.close("wsdl:service");
}

/// An indented XML writer that escapes every value it writes.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start(tag, attrs);
        self.out.push_str("/>\n");
    }

    fn text(&mut self, tag: &str, text: &str) {
        self.start(tag, &[]);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            attribute_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

/// An attribute value in double quotes: markup escaped as text, plus `"`.
fn attribute_into(out: &mut String, value: &str) {
    for (i, part) in value.split('"').enumerate() {
        if i > 0 {
            out.push_str("&quot;");
        }
        escape_into(out, part);
    }
}

/// `name` made an NCName: characters outside one become `_`, and a name that
/// cannot start one gets a leading `_`. Empty stays empty (the names it
/// prefixes still start with a letter).
fn ncname(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if is_name_char(c) { c } else { '_' })
        .collect();
    if out.chars().next().is_some_and(|c| !is_name_start(c)) {
        out.insert(0, '_');
    }
    out
}

/// A scheme, `:`, then only characters a URI may hold (RFC 3986, ASCII;
/// `%` escapes not checked).
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(scheme_char)
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_graphic() && !"\"<>\\^`{|}".contains(c))
}

fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Letters and `_` (non-ASCII letters approximated by `char::is_alphabetic`).
fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '-' || c == '.'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{self, find_inbound};
    use quick_xml::events::Event;
    use quick_xml::{Reader, XmlVersion};
    use std::collections::HashMap;

    fn methods(names: &[&str]) -> Vec<&'static Method> {
        names.iter().map(|n| find_inbound(n).unwrap()).collect()
    }

    fn sample(address: &'static str, dispatcher: bool) -> Service<'static> {
        Service {
            hospital: "demo",
            namespace: "http://hisgw.local/his",
            param: "arg0",
            address,
            methods: methods(&[
                "findAllDepartments",
                "queryPatientInfo",
                "GetChecLedgerDetail",
            ]),
            dispatcher: dispatcher.then_some(Dispatcher {
                operation: "CallServer",
                method_param: "FUNC",
                request_param: "IN_XML",
            }),
        }
    }

    /// One start or empty element: its path of qualified names and attributes.
    struct Node {
        path: Vec<String>,
        attrs: HashMap<String, String>,
    }

    /// Parses the whole document (failing on any well-formedness error
    /// quick-xml detects, unclosed elements included) into its elements.
    fn parse(text: &str) -> Vec<Node> {
        let mut reader = Reader::from_str(text);
        let mut stack: Vec<String> = Vec::new();
        let mut nodes = Vec::new();
        loop {
            let event = reader.read_event().expect("well-formed");
            let (start, empty) = match &event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    stack.pop();
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = start.name().as_ref().to_owned();
            let mut attrs = HashMap::new();
            for attr in start.attributes() {
                let attr = attr.expect("attribute well-formed");
                let key = attr.key.as_ref().to_owned();
                let value = attr.normalized_value(XmlVersion::Explicit1_0).unwrap();
                assert!(attrs.insert(key, value.into_owned()).is_none(), "duplicate");
            }
            stack.push(name);
            nodes.push(Node {
                path: stack.clone(),
                attrs,
            });
            if empty {
                stack.pop();
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        nodes
    }

    /// The `name`s of the `wsdl:operation`s directly under `parent`.
    fn operations_under(nodes: &[Node], parent: &str) -> Vec<String> {
        nodes
            .iter()
            .filter(|n| n.path.len() == 3 && n.path[1] == parent && n.path[2] == "wsdl:operation")
            .map(|n| n.attrs["name"].clone())
            .collect()
    }

    fn with_tag<'n>(nodes: &'n [Node], tag: &str) -> Vec<&'n Node> {
        nodes
            .iter()
            .filter(|n| n.path.last().unwrap() == tag)
            .collect()
    }

    #[test]
    fn every_operation_once_per_port_type_and_binding() {
        let nodes = parse(&wsdl(&sample("http://10.0.0.5:8080/soap/demo", true)));
        let expected = [
            "findAllDepartments",
            "queryPatientInfo",
            "GetChecLedgerDetail",
            "CallServer",
        ];
        assert_eq!(operations_under(&nodes, "wsdl:portType"), expected);
        // both bindings, one after the other
        let bound = operations_under(&nodes, "wsdl:binding");
        assert_eq!(bound[..4], expected);
        assert_eq!(bound[4..], expected);
        assert_eq!(with_tag(&nodes, "soap:operation").len(), 4);
        assert_eq!(with_tag(&nodes, "soap12:operation").len(), 4);
        for op in with_tag(&nodes, "soap12:operation") {
            assert_eq!(op.attrs["soapActionRequired"], "false");
        }
    }

    #[test]
    fn wrapper_elements_messages_and_actions_follow_the_operation_names() {
        let nodes = parse(&wsdl(&sample("http://h/soap", true)));
        let elements: Vec<&str> = with_tag(&nodes, "xs:element")
            .into_iter()
            .filter(|n| n.path.len() == 4) // definitions/types/schema/element
            .map(|n| n.attrs["name"].as_str())
            .collect();
        assert_eq!(
            elements,
            [
                "findAllDepartments",
                "findAllDepartmentsResponse",
                "queryPatientInfo",
                "queryPatientInfoResponse",
                "GetChecLedgerDetail",
                "GetChecLedgerDetailResponse",
                "CallServer",
                "CallServerResponse",
            ]
        );
        for part in with_tag(&nodes, "wsdl:part") {
            assert_eq!(part.attrs["name"], "parameters");
        }
        let actions: Vec<&str> = with_tag(&nodes, "soap:operation")
            .into_iter()
            .map(|n| n.attrs["soapAction"].as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "findAllDepartments",
                "queryPatientInfo",
                "GetChecLedgerDetail",
                "CallServer"
            ]
        );
    }

    #[test]
    fn request_children_are_the_param_or_the_dispatcher_pair() {
        let text = wsdl(&sample("http://h/soap", true));
        let nodes = parse(&text);
        let children = |wrapper: &str| -> Vec<String> {
            nodes
                .iter()
                .filter(|n| n.path.len() == 7 && n.path.last().unwrap() == "xs:element")
                .filter(|n| wrapper_of(&nodes, n) == wrapper)
                .map(|n| n.attrs["name"].clone())
                .collect()
        };
        assert_eq!(children("queryPatientInfo"), ["arg0"]);
        assert_eq!(children("queryPatientInfoResponse"), ["return"]);
        assert_eq!(children("CallServer"), ["FUNC", "IN_XML"]);
        assert_eq!(children("CallServerResponse"), ["return"]);
        assert!(text.contains(r#"elementFormDefault="unqualified""#));
    }

    /// The name of the top-level schema element a child element sits in.
    fn wrapper_of<'n>(nodes: &'n [Node], child: &Node) -> &'n str {
        let position = nodes.iter().position(|n| std::ptr::eq(n, child)).unwrap();
        nodes[..position]
            .iter()
            .rev()
            .find(|n| n.path.len() == 4 && n.path[3] == "xs:element")
            .map(|n| n.attrs["name"].as_str())
            .unwrap()
    }

    #[test]
    fn no_dispatcher_without_one() {
        let nodes = parse(&wsdl(&sample("http://h/soap", false)));
        let ops = operations_under(&nodes, "wsdl:portType");
        assert_eq!(
            ops,
            [
                "findAllDepartments",
                "queryPatientInfo",
                "GetChecLedgerDetail"
            ]
        );
    }

    #[test]
    fn address_and_namespace_are_escaped() {
        let mut service = sample(r#"http://h/soap?a=1&b="<2>""#, false);
        service.namespace = "urn:a&b";
        let text = wsdl(&service);
        assert!(text.contains(r#"location="http://h/soap?a=1&amp;b=&quot;&lt;2&gt;&quot;""#));
        assert!(text.contains(r#"xmlns:tns="urn:a&amp;b""#));
        let nodes = parse(&text);
        for tag in ["soap:address", "soap12:address"] {
            let address = with_tag(&nodes, tag);
            assert_eq!(address.len(), 1);
            assert_eq!(address[0].attrs["location"], r#"http://h/soap?a=1&b="<2>""#);
        }
    }

    #[test]
    fn documentation_names_section_and_title() {
        let text = wsdl(&sample("http://h/soap", true));
        assert!(
            text.contains("<wsdl:documentation>2.1 获取科室列表信息</wsdl:documentation>"),
            "{text}"
        );
        assert!(text.contains("IN_XML 为 &lt;request&gt; 请求 XML"));
    }

    #[test]
    fn hospital_becomes_ncnames() {
        assert_eq!(ncname("demo"), "demo");
        assert_eq!(ncname("3rd hosp/x"), "_3rd_hosp_x");
        assert_eq!(ncname("人民医院"), "人民医院");
        let mut service = sample("http://h/soap", false);
        service.hospital = "1 a";
        let nodes = parse(&wsdl(&service));
        assert_eq!(
            with_tag(&nodes, "wsdl:service")[0].attrs["name"],
            "_1_aHisService"
        );
        let ports: Vec<&str> = with_tag(&nodes, "wsdl:port")
            .into_iter()
            .map(|n| n.attrs["binding"].as_str())
            .collect();
        assert_eq!(
            ports,
            ["tns:_1_aHisSoapBinding", "tns:_1_aHisSoap12Binding"]
        );
    }

    #[test]
    fn all_inbound_methods_make_a_valid_service() {
        let mut service = sample("http://h/soap", true);
        service.methods = catalogue::inbound().collect();
        assert!(service.problems().is_empty(), "{:?}", service.problems());
        let nodes = parse(&wsdl(&service));
        assert_eq!(operations_under(&nodes, "wsdl:portType").len(), 34);
    }

    #[test]
    fn a_method_listed_twice_is_one_operation() {
        let mut service = sample("http://h/soap", false);
        service
            .methods
            .push(find_inbound("queryPatientInfo").unwrap());
        assert_eq!(
            operations_under(&parse(&wsdl(&service)), "wsdl:portType").len(),
            3
        );
    }

    #[test]
    fn namespace_and_address_must_be_uris() {
        for good in [
            "http://hisgw.local/his",
            "urn:his",
            "http://h:8080/soap/demo?a=1&b=2",
        ] {
            assert!(is_uri(good), "{good}");
        }
        for bad in [
            "",
            "his",
            "1http://h",
            "http://h/a b",
            "urn:a\"b",
            "http:",
            "urn:<x>",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn problems_name_bad_settings_at_once() {
        let mut service = sample("", true);
        service.param = "arg 0";
        service.dispatcher = Some(Dispatcher {
            operation: "queryPatientInfo",
            method_param: "X",
            request_param: "X",
        });
        let problems = service.problems();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("address"));
        assert!(problems[1].contains("\"arg 0\""));
        assert!(problems[2].contains("both \"X\""));
        assert!(problems[3].contains("\"queryPatientInfo\" would be defined twice"));
        assert!(problems[4].contains("\"queryPatientInfoResponse\" would be defined twice"));
    }

    /// Writes a sample WSDL for checking with external SOAP tooling (zeep):
    /// `cargo test -p hisgw --lib wsdl -- --ignored`.
    #[test]
    #[ignore]
    fn write_sample_for_external_tools() {
        let path = std::env::temp_dir().join("hisgw-sample.wsdl");
        std::fs::write(&path, wsdl(&sample("http://10.0.0.5:8080/soap/demo", true))).unwrap();
        eprintln!("wrote {}", path.display());
    }
}
