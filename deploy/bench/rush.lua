-- wrk script for deploy/bench/rush.sh: the morning slot-release rush. Every
-- connection asks for today's schedule: querySchedule for the whole
-- hospital, or queryRealtimeSchedule for one of the departments listed in
-- RUSH_DEPARTMENTS (comma-separated), in turn. RUSH_DATE is today.
local date = os.getenv("RUSH_DATE")
local hospital = os.getenv("RUSH_HOSPITAL") or "demo"
local requests = {}
local turn = 0

-- Built in init, when wrk.headers holds the Host header the requests need.
function init(args)
    wrk.headers["Content-Type"] = "application/xml; charset=utf-8"
    local function add(method, body)
        requests[#requests + 1] = wrk.format("POST", "/api/" .. hospital .. "/" .. method, nil, body)
    end
    add("querySchedule", "<request><startDate>" .. date .. "</startDate></request>")
    for code in string.gmatch(os.getenv("RUSH_DEPARTMENTS") or "", "[^,]+") do
        add("queryRealtimeSchedule", "<request><startDate>" .. date .. "</startDate><departmentCode>"
            .. code .. "</departmentCode></request>")
    end
end

function request()
    turn = turn % #requests + 1
    return requests[turn]
end
