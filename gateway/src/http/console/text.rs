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
];
