//! Every request decoder on arbitrary bytes: none may panic.
#![no_main]

use hisgw::decode::{self, charset, DispatcherNames, SoapNames, SoapVersion};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for cs in [None, Some("GBK"), Some("utf-16le")] {
        let _ = decode::decode_xml_as(data, cs);
    }
    if let Ok(text) = charset::text(data, None) {
        let _ = decode::decode_json(&text);
        let names = SoapNames {
            param: "arg0",
            dispatcher: Some(DispatcherNames { operation: "CallServer", method_param: "FUNC", request_param: "IN_XML" }),
        };
        let _ = decode::decode_soap(&text, &names, SoapVersion::V11);
    }
});
