//! The console's words, in Chinese (the default) and English.

/// The language a page is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The word for `key` in this language (the key itself when none).
    pub fn t(self, key: &'static str) -> &'static str {
        WORDS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map_or(key, |(_, zh, en)| match self {
                Lang::Zh => zh,
                Lang::En => en,
            })
    }
}

/// (key, 中文, English)
const WORDS: &[(&str, &str, &str)] = &[
    ("title", "hisgw 控制台", "hisgw console"),
    ("overview", "概览", "Overview"),
    ("calls", "调用记录", "Calls"),
    ("logout", "退出", "Log out"),
    ("switch", "English", "中文"),
    ("login", "登录", "Log in"),
    ("token", "管理令牌", "Admin token"),
    ("wrong token", "令牌不正确", "Wrong token"),
    ("hospital", "医院", "Hospital"),
    ("database", "数据库", "Database"),
    ("state", "状态", "State"),
    ("not served", "未加载", "Not served"),
    ("last hour", "最近一小时的调用", "Calls in the last hour"),
    ("method", "方法", "Method"),
    ("count", "次数", "Calls"),
    ("errors", "失败", "Errors"),
    ("outbox", "发件箱", "Outbox"),
    ("payments today", "今日支付", "Payments today"),
    ("refunds today", "今日退款", "Refunds today"),
    ("amount", "金额", "Amount"),
    ("none", "无", "None"),
    ("no ledger", "未使用台账", "No ledger"),
    ("time", "时间", "Time"),
    ("from", "从", "From"),
    ("to", "到", "To"),
    ("result", "结果", "Result"),
    ("transport", "方式", "Transport"),
    ("request id", "请求号", "Request id"),
    ("duration", "耗时", "Duration"),
    ("search", "查询", "Search"),
    ("older", "更早", "Older"),
    ("request", "请求", "Request"),
    ("response", "应答", "Response"),
    ("not found", "没有这条记录", "No such record"),
    ("source", "来源", "Source"),
    ("direction", "方向", "Direction"),
    (
        "masked",
        "身份证号、手机号等已脱敏",
        "Identity and mobile numbers are masked",
    ),
    ("refund", "退款", "Refund"),
    ("refunds", "退款记录", "Refunds"),
    ("mappings", "映射", "Mappings"),
    ("try", "试调用", "Try"),
    ("last load", "最近一次加载", "Last load"),
    (
        "hospitals refused",
        "家医院的映射有错误",
        "hospital(s) with mapping errors",
    ),
    ("reload", "重新加载", "reload"),
    ("start", "启动", "start"),
    (
        "load failed",
        "整体加载失败，仍使用原有映射",
        "The whole load failed: the working set keeps serving",
    ),
    (
        "kept working set",
        "最近一次加载有错误，仍使用原有映射",
        "The last load had errors: the working set keeps serving",
    ),
    ("served", "服务中", "Served"),
    ("check now", "立即检查", "Check now"),
    (
        "check live",
        "同时试运行每个查询方法（--live）",
        "Also run each read once (--live)",
    ),
    ("errors found", "个错误", "error(s)"),
    ("methods mapped", "个已映射的方法", "methods mapped"),
    ("file", "文件", "File"),
    ("ledger answers", "由台账应答", "answered from the ledger"),
    ("choose", "选择", "Choose"),
    ("no such hospital", "没有这家医院", "No such hospital"),
    ("no such method", "没有这个方法", "No such method"),
    (
        "pick a method",
        "请选择医院和方法",
        "Pick a hospital and a method",
    ),
    (
        "no fields",
        "此方法没有请求字段",
        "This method takes no request fields",
    ),
    ("field", "字段", "Field"),
    ("value", "值", "Value"),
    ("type", "类型", "Type"),
    ("about", "说明", "About"),
    ("required", "必填", "required"),
    (
        "sign empty",
        "sign 留空时用医院的签名密钥按 §17 计算",
        "an empty sign is computed with the hospital's key (§17)",
    ),
    (
        "empty is absent",
        "留空即不传该字段",
        "an empty field is left out",
    ),
    (
        "commit",
        "提交（保留对数据库的修改）",
        "Commit (keep the changes in the database)",
    ),
    ("run", "运行", "Run"),
    ("reset", "重置", "Reset"),
    (
        "confirm commit",
        "确认要提交并保留此调用对数据库的修改吗：",
        "Really run this and keep its changes in the database:",
    ),
    (
        "committed",
        "已提交：修改已写入数据库",
        "COMMITTED: the changes are in the database",
    ),
    (
        "rolled back",
        "已回滚：数据库未改变（rolled back）",
        "rolled back: the database is as it was",
    ),
    ("statements", "执行的语句", "Statements"),
    ("rows returned", "返回行数", "Rows returned"),
    ("rows changed", "修改行数", "Rows changed"),
    ("none ran", "没有执行语句", "none ran"),
    (
        "rows changed per table",
        "各表修改的行数",
        "Rows changed per table",
    ),
    (
        "not counted",
        "此数据库不提供（SQL Server）",
        "not counted on this database (SQL Server)",
    ),
    ("table", "表", "Table"),
    (
        "refund fields required",
        "tradeNo、hisId、patientCard、realName 都必须填写",
        "tradeNo, hisId, patientCard and realName are required",
    ),
    (
        "refund amount",
        "退款金额必须是大于零的金额（如 12.50）",
        "The refund amount must be an amount above zero (like 12.50)",
    ),
    ("refund state", "退款状态", "Refund state"),
    (
        "no platform",
        "没有配置平台的医院，不能退款",
        "No hospital has a platform configured: no refund can be asked",
    ),
    (
        "trade no",
        "tradeNo（平台流水号）",
        "tradeNo (platform trade number)",
    ),
    (
        "refund amount field",
        "refundAmount（退款金额）",
        "refundAmount",
    ),
    (
        "his refund id",
        "hisId（HIS 退款单号）",
        "hisId (the HIS's refund number)",
    ),
    ("operator", "操作员", "Operator"),
    ("reverse", "冲正", "Reversal (冲正)"),
    ("ask refund", "申请退款", "Ask for the refund"),
    (
        "confirm refund",
        "确认向平台申请退款：",
        "Really ask the platform to refund",
    ),
    ("attempts", "尝试次数", "Attempts"),
    ("cancel", "取消", "Cancel"),
    ("confirm", "确认", "Confirm"),
    ("day", "日期", "Day"),
    ("drop", "丢弃", "Drop"),
    ("retry", "重试", "Retry"),
    (
        "confirm retry",
        "确认重试发件箱记录",
        "Really retry outbox row",
    ),
    (
        "confirm drop",
        "确认丢弃发件箱记录",
        "Really drop outbox row",
    ),
    ("ledger of the day", "当日台账", "The day's ledger"),
    ("next attempt", "下次尝试", "Next attempt"),
    ("not in ledger", "台账中没有此流水号", "Not in the ledger"),
    (
        "notifications",
        "该流水号的所有通知",
        "Every notification of it",
    ),
    ("patient", "患者", "Patient"),
    ("payments", "支付与对账", "Payments"),
    ("reports", "对账报告", "Reconciliation reports"),
    ("differences", "差异数", "Differences"),
    ("download", "下载", "Download"),
    ("no differences", "没有差异", "No differences"),
];
