"""Calls the gateway through its WSDL with zeep, a standard SOAP client.

usage: python3 soap_client.py http://127.0.0.1:PORT/soap/demo?wsdl

Prints one line per call: binding, operation, result and (for
queryPatientInfo) the patient's name, read from the <response> XML that
the operation returns as a string.
"""
import sys
import xml.etree.ElementTree as ET

from zeep import Client


def answer(xml_text):
    root = ET.fromstring(xml_text)
    return root.findtext("result"), root.findtext("realName") or ""


def main(wsdl):
    client = Client(wsdl)
    services = list(client.wsdl.services.values())
    service = services[0]
    ports = {p.binding.__class__.__name__: name for name, p in service.ports.items()}
    request = "<request><patientCard>100034567</patientCard></request>"
    for label, binding in (("soap11", "Soap11Binding"), ("soap12", "Soap12Binding")):
        port = ports[binding]
        proxy = client.bind(service.name, port)
        result, _ = answer(proxy.findAllDepartments(arg0="<request/>"))
        print(label, "findAllDepartments", result)
        result, name = answer(proxy.queryPatientInfo(arg0=request))
        print(label, "queryPatientInfo", result, name)
        if label == "soap11":
            result, name = answer(proxy.CallServer(FUNC="queryPatientInfo", IN_XML=request))
            print(label, "CallServer queryPatientInfo", result, name)


if __name__ == "__main__":
    main(sys.argv[1])
