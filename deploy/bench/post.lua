-- wrk script for deploy/bench/load.sh: POSTs the request body taken from
-- the WRK_BODY environment variable as application/xml, the way the Ruibo
-- platform calls the gateway.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/xml; charset=utf-8"
wrk.body = os.getenv("WRK_BODY") or "<request></request>"
