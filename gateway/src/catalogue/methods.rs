//! Every method of the Ruibo HIS interface v2.6.1, in spec order, transcribed
//! from `shared/spec/ruibo-his-webservice-v2.6.1.md`.
//!
//! Wire names keep the spec's slips (`prepayaAmt`, `totleAmt`, `havaNo`,
//! `lable`, `GetChecLedgerDetail`, `his_ordernumber`). `result` and `message`
//! are implicit in every response and not listed; so is the `dataType`
//! element of outbound `pushHisData` requests (it is `Method::data_type`).
//! Request examples are the spec's own values, typos in the XML fixed.

use super::FieldType::{Date, DateTime, IdCard, Int, Money, Text};
use super::{
    DefaultRule, Direction, Field, Kind, LedgerAnswer, List, Method, PaymentRule, RefundRule,
    Shape, SignRule, Wire,
};

/// 是否必须 = 是.
const REQ: bool = true;
/// 是否必须 = 否.
const OPT: bool = false;

/// Top-level fields only.
const fn flat(fields: &'static [Field]) -> Shape {
    Shape {
        fields,
        wrap: None,
        list: None,
    }
}

/// Top-level fields inside one `<data>` element (4.4 response, push requests).
const fn in_data(fields: &'static [Field]) -> Shape {
    Shape {
        fields,
        wrap: Some("data"),
        list: None,
    }
}

/// Header fields (possibly none) followed by one list.
const fn with_list(fields: &'static [Field], list: &'static List) -> Shape {
    Shape {
        fields,
        wrap: None,
        list: Some(list),
    }
}

/// The usual list: `<content><data>…</data><data>…</data></content>`.
const fn content(fields: &'static [Field]) -> List {
    List {
        section: "content",
        wrapper: Some("content"),
        item: "data",
        fields,
        child: None,
        key: None,
    }
}

/// 8.2: the fee items of one prescription, nested in each `<data>`.
static FEE_DETAIL: List = List {
    section: "feeDetail",
    wrapper: Some("feeDetail"),
    item: "data",
    fields: &[
        Field::new("prescriptionNo", Text, REQ, "费用主键"),
        Field::new("price", Money, REQ, "费用单价"),
        Field::new("createDate", DateTime, REQ, "费用生成日期"),
        Field::new("patientTime", DateTime, REQ, "就诊时间"),
        Field::new("usage", Text, OPT, "用法（药品时必须输）"),
        Field::new("dosage", Text, OPT, "用量（药品时必须输）"),
        Field::new("count", Int, REQ, "药品数量"),
        Field::new("feeName", Text, REQ, "费用名称"),
        Field::new("feeType", Text, REQ, "费用类型"),
    ],
    child: None,
    key: Some("prescriptionNo"),
};

/// What a method is when it has no behaviour of its own beyond its kind;
/// every entry below names what differs.
const PLAIN: Method = Method {
    section: "",
    name: "",
    data_type: None,
    title: "",
    direction: Direction::Inbound,
    kind: Kind::Read,
    request: Shape::EMPTY,
    response: Shape::EMPTY,
    payment: None,
    refund: None,
    ledger: None,
    push: false,
    sign: None,
    wire: Wire::Xml,
};

pub static METHODS: &[Method] = &[
    // 2.1 获取科室列表信息
    Method {
        section: "2.1",
        name: "findAllDepartments",
        data_type: None,
        title: "获取科室列表信息",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: Shape::EMPTY,
        response: with_list(
            &[],
            &content(&[
                Field::new("departmentName", Text, REQ, "科室名称"),
                Field::new("departmentCode", Text, REQ, "科室编码（保持唯一）"),
                Field::new("supperCode", Text, OPT, "上级科室编码"),
                Field::new(
                    "departmentLevel",
                    Text,
                    OPT,
                    "科室级别（1 一级，2 或空二级）",
                ),
                Field::new("departmentLogo", Text, OPT, "科室 Logo"),
                Field::new("departmentAddress", Text, OPT, "科室地址（二级科室必填）"),
                Field::new("departmentSummary", Text, OPT, "科室介绍（二级科室必填）"),
                Field::new("departmentFeature", Text, OPT, "科室特色（二级科室必填）"),
            ]),
        ),
        ..PLAIN
    },
    // 2.2 获取医生列表信息
    Method {
        section: "2.2",
        name: "findAllDoctors",
        data_type: None,
        title: "获取医生列表信息",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: Shape::EMPTY,
        response: with_list(
            &[],
            &content(&[
                Field::new("doctorName", Text, REQ, "医生姓名"),
                Field::new("doctorCode", Text, REQ, "医生编号"),
                Field::new("photo", Text, OPT, "医生照片"),
                Field::new("positionId", Text, REQ, "医生职称"),
                Field::new("jobTitleId", Text, REQ, "学术职称"),
                Field::new("doctorSpecialty", Text, REQ, "医生擅长疾病"),
                Field::new("doctorSummary", Text, REQ, "医生简介"),
                Field::new("departmentCode", Text, REQ, "所属科室"),
            ]),
        ),
        ..PLAIN
    },
    // 3.1 获取排班
    Method {
        section: "3.1",
        name: "querySchedule",
        data_type: None,
        title: "获取排班",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("startDate", Date, REQ, "排班起始日期").example("2017-10-25"),
            Field::new("endDate", Date, OPT, "排班结束日期，默认 7 天")
                .example("2017-11-01")
                .default(DefaultRule::DaysAfter {
                    field: "startDate",
                    days: 7,
                }),
        ]),
        response: with_list(
            &[],
            &content(&[
                Field::new("scheduleId", Text, REQ, "排班主键"),
                Field::new("doctorCode", Text, OPT, "医生代码（专家必填）"),
                Field::new("departmentCode", Text, REQ, "所属科室代码"),
                Field::new("clinicDate", Date, REQ, "医生排班日期"),
                Field::new("clinicTime", Text, REQ, "排班时间段（上午/下午）"),
                Field::new("clinicWeek", Text, REQ, "排班星期"),
                Field::new("clinicType", Text, REQ, "门诊类型"),
                Field::new("clinicNo", Int, REQ, "剩余号源数"),
                Field::new("total", Int, REQ, "总号源数"),
                Field::new("clinicTimeQuantum", Text, REQ, "就诊时间段"),
                Field::new("clinicFee", Money, REQ, "挂号费用（元）"),
                Field::new("status", Text, OPT, "1 或空开诊，0 停诊"),
            ]),
        ),
        ..PLAIN
    },
    // 3.2 医生坐诊信息查询（实时排班使用）
    Method {
        section: "3.2",
        name: "queryRealtimeSchedule",
        data_type: None,
        title: "医生坐诊信息查询（实时排班使用）",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("startDate", Date, REQ, "排班起始日期").example("2017-10-25"),
            Field::new("endDate", Date, OPT, "排班结束日期，默认 7 天")
                .example("2017-11-01")
                .default(DefaultRule::DaysAfter {
                    field: "startDate",
                    days: 7,
                }),
            Field::new("departmentCode", Text, REQ, "科室代码").example("100001"),
        ]),
        response: with_list(
            &[],
            &content(&[
                Field::new("scheduleId", Text, REQ, "排班主键"),
                Field::new("doctorCode", Text, OPT, "医生代码（专家必填）"),
                Field::new("doctorName", Text, OPT, "医生名称（专家必填）"),
                Field::new("positionId", Text, OPT, "医生职称代码（专家必填）"),
                Field::new("positionName", Text, OPT, "医生职称名称（专家必填）"),
                Field::new("doctorSpecialty", Text, OPT, "医生擅长疾病（专家必填）"),
                Field::new("doctorSummary", Text, OPT, "医生简介（专家必填）"),
                Field::new("departmentCode", Text, REQ, "所属科室代码"),
                Field::new("clinicDate", Date, REQ, "医生排班日期"),
                Field::new("clinicWeek", Text, REQ, "排班星期"),
                Field::new("clinicType", Text, REQ, "门诊类型"),
                Field::new("clinicFee", Money, REQ, "挂号费用（元）"),
                Field::new("clinicTime", Text, OPT, "排班时间段（上午/下午）"),
                Field::new("clinicTimeQuantum", Text, OPT, "就诊时间段"),
                Field::new("clinicNo", Int, OPT, "剩余号源数，不返回则为有号"),
                Field::new("total", Int, REQ, "总号源数"),
                Field::new("status", Text, OPT, "1 或空开诊，0 停诊"),
            ]),
        ),
        ..PLAIN
    },
    // 3.3 指定日期排班详情查询（实时排班使用）
    Method {
        section: "3.3",
        name: "queryRealtimeScheduleDetail",
        data_type: None,
        title: "指定日期排班详情查询（实时排班使用）",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("clinicDate", Date, REQ, "排班日期").example("2017-10-25"),
            Field::new("departmentCode", Text, REQ, "科室代码").example("100001"),
            Field::new("doctorCode", Text, OPT, "医生代码（专家门诊必填）").example("d0001"),
        ]),
        response: with_list(
            &[],
            &content(&[
                Field::new("scheduleId", Text, REQ, "排班主键"),
                Field::new("doctorCode", Text, OPT, "医生代码（专家必填）"),
                Field::new("doctorName", Text, OPT, "医生名称（专家必填）"),
                Field::new("positionId", Text, OPT, "医生职称代码（专家必填）"),
                Field::new("positionName", Text, OPT, "医生职称名称（专家必填）"),
                Field::new("doctorSpecialty", Text, OPT, "医生擅长疾病（专家必填）"),
                Field::new("doctorSummary", Text, OPT, "医生简介（专家必填）"),
                Field::new("departmentCode", Text, REQ, "所属科室代码"),
                Field::new("clinicDate", Date, REQ, "医生排班日期"),
                Field::new("clinicTime", Text, REQ, "排班时间段（上午/下午）"),
                Field::new("clinicWeek", Text, REQ, "排班星期"),
                Field::new("clinicType", Text, REQ, "门诊类型"),
                Field::new("clinicNo", Int, REQ, "剩余号源数"),
                Field::new("total", Int, REQ, "总号源数"),
                Field::new("clinicTimeQuantum", Text, REQ, "就诊时间段"),
                Field::new("clinicFee", Money, REQ, "挂号费用（元）"),
                Field::new("status", Text, OPT, "1 或空开诊，0 停诊"),
            ]),
        ),
        ..PLAIN
    },
    // 3.4 获取排班时间点
    Method {
        section: "3.4",
        name: "queryScheduleTime",
        data_type: None,
        title: "获取排班时间点",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("departmentCode", Text, REQ, "科室代码").example("001"),
            Field::new("clinicDate", Date, REQ, "就诊时间（日期）").example("2015-01-07"),
            Field::new("clinicTime", Text, REQ, "就诊时间：上午/下午").example("上午"),
            Field::new("doctorCode", Text, OPT, "医生代码（专家排班必输）").example("d001"),
            Field::new("scheduleId", Text, OPT, "排班主键（按 HIS 决定）").example("r001"),
        ]),
        response: with_list(
            &[],
            &content(&[
                Field::new("doctorCode", Text, OPT, "医生代码（专家必填）"),
                Field::new("departmentCode", Text, REQ, "所属科室代码"),
                Field::new("clinicDate", Date, REQ, "医生排班日期"),
                Field::new("sourceNo", Text, OPT, "号源编号"),
                Field::new("sourceOrder", Text, OPT, "号源序号"),
                Field::new("visitTime", Text, REQ, "就诊时间点"),
                Field::new("havaNo", Int, OPT, "是否有号（号源数，0 无号）"),
            ]),
        ),
        ..PLAIN
    },
    // 4.1 在线建卡
    Method {
        section: "4.1",
        name: "addPatientCard",
        data_type: None,
        title: "在线建卡",
        direction: Direction::Inbound,
        kind: Kind::Write,
        request: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名").example("张三"),
            // Stored by the HIS: checked as GB 11643 (the spec's masked
            // example is therefore not a valid request).
            Field::new("idCard", IdCard, REQ, "就诊人身份证").example("430702xxxxxxxx8766"),
            Field::new("phone", Text, REQ, "联系电话").example("1312211xxxx"),
        ]),
        response: flat(&[
            Field::new("patientCard", Text, REQ, "就诊卡号"),
            Field::new("hisNo", Text, REQ, "HIS 患者唯一标识"),
        ]),
        ..PLAIN
    },
    // 4.2 就诊人信息校验
    Method {
        section: "4.2",
        name: "checkPatientCard",
        data_type: None,
        title: "就诊人信息校验",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("100034567"),
            Field::new("realName", Text, REQ, "就诊人姓名").example("张三"),
            Field::new("idCard", Text, REQ, "就诊人身份证").example("430702xxxxxxxx8766"),
            Field::new("phone", Text, REQ, "联系方式").example("1312211xxxx"),
        ]),
        response: Shape::EMPTY,
        ..PLAIN
    },
    // 4.3 门诊病人信息查询
    Method {
        section: "4.3",
        name: "queryPatientInfo",
        data_type: None,
        title: "门诊病人信息查询",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[Field::new("patientCard", Text, REQ, "就诊人卡号").example("100034567")]),
        response: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名"),
            Field::new("idCard", Text, REQ, "身份证号码"),
            Field::new("phone", Text, REQ, "电话号码"),
            Field::new("sex", Text, OPT, "性别"),
            Field::new("birthday", Date, OPT, "出生日期"),
            Field::new("eCardBalance", Money, OPT, "一卡通余额"),
            Field::new("hisNo", Text, OPT, "病历号或其他主键"),
        ]),
        ..PLAIN
    },
    // 4.4 住院病人信息查询
    Method {
        section: "4.4",
        name: "queryInHospitalPatient",
        data_type: None,
        title: "住院病人信息查询",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[Field::new("serialNumber", Text, REQ, "住院号").example("100034567")]),
        response: in_data(&[
            Field::new("realName", Text, REQ, "就诊人姓名"),
            Field::new("idCard", Text, REQ, "身份证号码"),
            Field::new("phone", Text, REQ, "电话号码"),
            Field::new("sex", Text, OPT, "性别"),
            Field::new("birthday", Date, OPT, "出生日期"),
            Field::new("totleAmt", Money, OPT, "已缴押金金额"),
            Field::new("usedAmt", Money, OPT, "已使用金额"),
            Field::new("remainAmt", Money, OPT, "剩余金额"),
            Field::new("status", Text, REQ, "0 出院，1 在院"),
            Field::new("inhospitalDate", Date, REQ, "入院日期"),
            Field::new("leaveDate", Date, OPT, "出院日期"),
            Field::new("inpatientArea", Text, OPT, "病区"),
            Field::new("departmentCode", Text, REQ, "住院科室"),
            Field::new("doctorCode", Text, REQ, "管床医生"),
            Field::new("hisNo", Text, OPT, "病历号或其他主键"),
        ]),
        ..PLAIN
    },
    // 4.5 更换实体卡接口
    Method {
        section: "4.5",
        name: "pushHisData",
        data_type: Some("ReplacePatientCard"),
        title: "更换实体卡接口",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospitalId", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("idCard", Text, REQ, "身份证号"),
            Field::new("realName", Text, REQ, "姓名"),
            Field::new("oldPatientCard", Text, REQ, "原就诊卡号（虚拟卡）"),
            Field::new("newPatientCard", Text, REQ, "新就诊卡号（实体卡）"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 5.1 新增预约记录
    Method {
        section: "5.1",
        name: "insertSubscription",
        data_type: None,
        title: "新增预约记录",
        direction: Direction::Inbound,
        kind: Kind::Write,
        request: flat(&[
            Field::new("scheduleId", Text, REQ, "排班编号（HIS 主键）").example("400000086"),
            Field::new("sourceNo", Text, OPT, "号源编号").example("4545665"),
            Field::new("sourceOrder", Text, OPT, "号源序号").example("3"),
            Field::new("realName", Text, REQ, "就诊人真实姓名").example("张三"),
            Field::new("idCard", Text, REQ, "就诊人身份证").example("430702xxxxxxxx8766"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("300000040"),
            Field::new("departmentName", Text, OPT, "挂号科室名称").example("风湿科"),
            Field::new("departmentCode", Text, REQ, "挂号科室编号").example("c0002"),
            Field::new("doctorName", Text, OPT, "医生名称").example("李玲"),
            Field::new("doctorCode", Text, REQ, "医生编号").example("D0032"),
            Field::new("clinicType", Text, REQ, "门诊类型").example("专家门诊"),
            Field::new("clinicDate", Date, REQ, "预约日期").example("2014-1-30"),
            Field::new("clinicTime", Text, REQ, "预约时间段").example("8:00-9:00"),
            Field::new("clinicFee", Money, OPT, "挂号费用（元）").example("15.00"),
        ]),
        response: flat(&[
            Field::new("subscriptionId", Text, REQ, "预约记录主键（HIS）"),
            Field::new("amount", Money, OPT, "预约金额，不返回则用排班金额"),
        ]),
        ..PLAIN
    },
    // 5.2 取消预约记录
    Method {
        section: "5.2",
        name: "cancelSubscription",
        data_type: None,
        title: "取消预约记录",
        direction: Direction::Inbound,
        kind: Kind::Write,
        request: flat(&[
            Field::new("subscriptionId", Text, REQ, "预约记录主键（HIS）")
                .example("be36d10825584bdd8597a95bbcf56f4e"),
        ]),
        response: flat(&[Field::new(
            "hisRefundId",
            Text,
            OPT,
            "HIS 退款流水号（可退款时）",
        )]),
        refund: Some(&RefundRule {
            order: "subscriptionId",
            payment: "subscriptionPay",
        }),
        ..PLAIN
    },
    // 5.3 预约支付
    Method {
        section: "5.3",
        name: "subscriptionPay",
        data_type: None,
        title: "预约支付",
        direction: Direction::Inbound,
        kind: Kind::Payment,
        request: flat(&[
            Field::new("subscriptionId", Text, REQ, "预约记录主键（HIS 返回）")
                .example("4e36fht825584bdd8597a95bbcf56f4e"),
            Field::new("scheduleId", Text, REQ, "排班编号")
                .example("be36d10825584bdd8597a95bbc56f4e"),
            Field::new("tradeNo", Text, REQ, "商户交易订单号（唯一）")
                .example("1234344sdffas123424"),
            Field::new("realName", Text, REQ, "就诊人真实姓名").example("张三"),
            Field::new("idCard", Text, REQ, "就诊人身份证").example("430702xxxxxxxx8766"),
            Field::new("patientCard", Text, OPT, "就诊人卡号").example("300000040"),
            Field::new("payType", Text, OPT, "支付类型（附表 18.2）").example("weChat"),
            Field::new("departmentName", Text, OPT, "挂号科室名称").example("风湿科"),
            Field::new("departmentCode", Text, REQ, "挂号科室编号").example("c0002"),
            Field::new("doctorName", Text, OPT, "医生名称").example("李玲"),
            Field::new("doctorCode", Text, REQ, "医生编号").example("D0032"),
            Field::new("clinicDate", Date, REQ, "就诊时间（日期）").example("2015-03-20"),
            Field::new("clinicTimeQuantum", Text, REQ, "就诊时间段").example("8:00-9:00"),
            Field::new("clinicFee", Money, REQ, "预约金额").example("15.00"),
            Field::new("payedTime", DateTime, REQ, "支付成功时间（对账用）")
                .example("2015-03-20 19:33:45"),
        ]),
        response: flat(&[
            Field::new("clinicNo", Text, OPT, "就诊号"),
            Field::new("invoiceNo", Text, REQ, "发票号"),
            Field::new("registerId", Text, OPT, "挂号记录主键（HIS）"),
            Field::new("hisOrderNumber", Text, OPT, "就诊排队序号"),
            Field::new("isRefund", Text, OPT, "失败时是否退款：0 否，1 是"),
        ]),
        payment: Some(&PaymentRule {
            amount: "clinicFee",
            patient: &["patientCard", "idCard"],
            order: Some("subscriptionId"),
            transaction_type: "1",
            data_src: "subscription",
        }),
        ..PLAIN
    },
    // 6.1 新增挂号记录
    Method {
        section: "6.1",
        name: "insertRegister",
        data_type: None,
        title: "新增挂号记录",
        direction: Direction::Inbound,
        kind: Kind::Write,
        request: flat(&[
            Field::new("scheduleId", Text, REQ, "排班编号（HIS 主键）").example("400000086"),
            Field::new("sourceNo", Text, OPT, "号源编号").example("4545665"),
            Field::new("sourceOrder", Text, OPT, "号源序号").example("3"),
            Field::new("realName", Text, REQ, "就诊人真实姓名").example("张三"),
            Field::new("idCard", Text, REQ, "就诊人身份证").example("430702xxxxxxxx8766"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("300000040"),
            Field::new("departmentName", Text, OPT, "挂号科室名称").example("风湿科"),
            Field::new("departmentCode", Text, REQ, "挂号科室编号").example("c0002"),
            Field::new("doctorName", Text, OPT, "医生名称").example("李玲"),
            Field::new("doctorCode", Text, REQ, "医生编号").example("D0032"),
            Field::new("clinicType", Text, REQ, "门诊类型").example("专家门诊"),
            Field::new("clinicDate", Date, REQ, "挂号日期").example("2014-1-30"),
            Field::new("clinicTime", Text, REQ, "挂号时间段").example("8:00-9:00"),
            Field::new("clinicFee", Money, OPT, "挂号费用（元）").example("15.00"),
        ]),
        response: flat(&[
            Field::new("registerId", Text, REQ, "挂号记录主键（HIS）"),
            Field::new("hisOrderNumber", Text, OPT, "就诊排队序号"),
            Field::new("amount", Money, OPT, "挂号金额，不返回则用排班金额"),
        ]),
        ..PLAIN
    },
    // 6.2 挂号取消
    Method {
        section: "6.2",
        name: "cancelRegister",
        data_type: None,
        title: "挂号取消",
        direction: Direction::Inbound,
        kind: Kind::Write,
        request: flat(&[
            Field::new("registerId", Text, REQ, "挂号记录（HIS），未支付")
                .example("be36d10825584bdd8597a95bbcf56f4e"),
        ]),
        response: flat(&[Field::new(
            "hisRefundId",
            Text,
            OPT,
            "HIS 退款流水号（可退款时）",
        )]),
        refund: Some(&RefundRule {
            order: "registerId",
            payment: "payRegister",
        }),
        ..PLAIN
    },
    // 6.3 挂号支付
    Method {
        section: "6.3",
        name: "payRegister",
        data_type: None,
        title: "挂号支付",
        direction: Direction::Inbound,
        kind: Kind::Payment,
        request: flat(&[
            Field::new("registerId", Text, REQ, "HIS 挂号记录 id")
                .example("ce56d10825584bdd8597a95bbc56f88"),
            Field::new("scheduleId", Text, REQ, "排班编号")
                .example("be36d10825584bdd8597a95bbc56f4e"),
            Field::new("tradeNo", Text, REQ, "商户交易订单号（唯一）")
                .example("1234344sdfas123424"),
            Field::new("realName", Text, REQ, "就诊人真实姓名").example("张三"),
            Field::new("idCard", Text, REQ, "就诊人身份证").example("430702xxxxxxxx8766"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("300000040"),
            Field::new("payType", Text, OPT, "付款来源").example("weChat"),
            Field::new("departmentName", Text, OPT, "挂号科室名称").example("风湿科"),
            Field::new("departmentCode", Text, REQ, "挂号科室编号").example("c0002"),
            Field::new("doctorName", Text, OPT, "医生名称").example("李玲"),
            Field::new("doctorCode", Text, REQ, "医生编号").example("D0032"),
            Field::new("clinicDate", Date, REQ, "就诊时间（日期）").example("2015-03-20"),
            Field::new("clinicTimeQuantum", Text, REQ, "就诊时间段").example("8:00-9:00"),
            Field::new("clinicFee", Money, REQ, "挂号金额").example("15.00"),
            Field::new("customerId", Text, OPT, "用户主键（有报告推送时必填）")
                .example("fasf0f0as0fqas0fa0sf0s0fas1f2as3f4as"),
            Field::new("payedTime", DateTime, REQ, "支付成功时间（对账用）")
                .example("2015-03-20 19:33:45"),
        ]),
        response: flat(&[
            Field::new("invoiceNo", Text, REQ, "发票号"),
            Field::new("clinicNo", Text, OPT, "门诊号"),
            Field::new("registerId", Text, OPT, "挂号记录主键（HIS）"),
            Field::new("hisOrderNumber", Text, OPT, "就诊排队序号"),
            Field::new("isRefund", Text, OPT, "失败时是否退款：0 否，1 是"),
        ]),
        payment: Some(&PaymentRule {
            amount: "clinicFee",
            patient: &["patientCard", "idCard"],
            order: Some("registerId"),
            transaction_type: "1",
            data_src: "register",
        }),
        ..PLAIN
    },
    // 7.1 查询检验、检查报告列表(默认查询一个月内的报告)
    Method {
        section: "7.1",
        name: "findInspectionReport",
        data_type: None,
        title: "查询检验、检查报告列表(默认查询一个月内的报告)",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("realName", Text, REQ, "姓名").example("李明"),
            Field::new("queryId", Text, REQ, "卡号、就诊人 Id 或住院号").example("12345678"),
            Field::new("startDate", Date, OPT, "查询起始日期，默认一个月内")
                .example("2019-11-01")
                .default(DefaultRule::MonthsBeforeToday { months: 1 }),
            Field::new("endDate", Date, OPT, "查询截至日期，默认当天")
                .example("2019-12-01")
                .default(DefaultRule::Today),
            Field::new("reportType", Text, OPT, "1 门诊，2 住院").example("1"),
        ]),
        response: with_list(
            &[],
            &content(&[
                Field::new("reportId", Text, REQ, "主键（唯一）"),
                Field::new("reportName", Text, REQ, "报告名称"),
                Field::new("hisRegisterId", Text, REQ, "HIS 挂号唯一 ID"),
                Field::new("realName", Text, REQ, "姓名"),
                Field::new("age", Text, REQ, "年龄"),
                Field::new("checkType", Text, REQ, "1 检验，2 检查"),
                Field::new("checkDate", Date, REQ, "检查日期"),
                Field::new("status", Text, REQ, "0 检查中，1 检查完成"),
                Field::new("diagnosisCode", Text, REQ, "诊断代码"),
                Field::new("diagnosisName", Text, REQ, "医生诊断名称"),
            ]),
        ),
        ..PLAIN
    },
    // 7.2 查询检验报告详情
    Method {
        section: "7.2",
        name: "findCompleteLISReport",
        data_type: None,
        title: "查询检验报告详情",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("reportId", Text, REQ, "接口 7.1 返回")
                .example("831409bb44d34f1097c81f69948e5d3d"),
            Field::new("checkType", Text, REQ, "1 检验，2 检查").example("1"),
        ]),
        response: with_list(
            &[
                Field::new("realName", Text, REQ, "姓名"),
                Field::new("sex", Text, REQ, "性别"),
                Field::new("age", Text, REQ, "年龄"),
                Field::new("checkDate", Date, REQ, "检查日期"),
                Field::new("type", Text, REQ, "报告类型"),
            ],
            &content(&[
                Field::new("itemName", Text, REQ, "报告名称"),
                Field::new("sample", Text, REQ, "样本"),
                Field::new("realResult", Text, REQ, "实际值"),
                Field::new("referprint", Text, REQ, "参考值"),
                Field::new("conclusion", Text, REQ, "结论"),
            ]),
        ),
        ..PLAIN
    },
    // 7.3 查询检查报告详情
    Method {
        section: "7.3",
        name: "findCompletePACReport",
        data_type: None,
        title: "查询检查报告详情",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("reportId", Text, REQ, "接口 7.1 返回")
                .example("831409bb44d34f1097c81f69948e5d3d"),
            Field::new("checkType", Text, REQ, "1 检验，2 检查").example("2"),
        ]),
        response: flat(&[
            Field::new("realName", Text, REQ, "姓名"),
            Field::new("sex", Text, REQ, "性别"),
            Field::new("age", Text, REQ, "年龄"),
            Field::new("checkDate", Date, REQ, "检查日期"),
            Field::new("type", Text, REQ, "报告类型"),
            Field::new("reportMessage", Text, REQ, "检查所见"),
            Field::new("reportResult", Text, REQ, "检查结论"),
            Field::new("reportImagePath", Text, OPT, "图片路径"),
        ]),
        ..PLAIN
    },
    // 8.1 查询门诊号
    Method {
        section: "8.1",
        name: "findClinicNo",
        data_type: None,
        title: "查询门诊号",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名").example("李明"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("12345678"),
        ]),
        response: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名"),
            Field::new("patientCard", Text, REQ, "就诊人卡号"),
            Field::new("createDate", Date, REQ, "费用生成日期"),
            Field::new("departmentName", Text, OPT, "开方科室"),
            Field::new("departmentCode", Text, REQ, "开方科室代码"),
            Field::new("doctorName", Text, OPT, "开方医生"),
            Field::new("doctorCode", Text, REQ, "开方医生代码"),
            Field::new("clinicNo", Text, REQ, "门诊号"),
        ]),
        ..PLAIN
    },
    // 8.2 查询门诊缴费列表（未交费）
    Method {
        section: "8.2",
        name: "findOutpatientPay",
        data_type: None,
        title: "查询门诊缴费列表（未交费）",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名").example("李明"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("12345678"),
            Field::new("clinicNo", Text, OPT, "门诊号").example("123"),
        ]),
        response: with_list(
            &[],
            &List {
                section: "content",
                wrapper: Some("content"),
                item: "data",
                fields: &[
                    Field::new("clinicNo", Text, OPT, "门诊号或批次号"),
                    Field::new("hisRegisterId", Text, REQ, "HIS 挂号唯一 ID"),
                    Field::new("prescriptionNo", Text, REQ, "处方编号（唯一）"),
                    Field::new("realName", Text, REQ, "就诊人姓名"),
                    Field::new("patientCard", Text, REQ, "就诊人卡号"),
                    Field::new("orderFee", Money, REQ, "缴费金额"),
                    Field::new("createDate", DateTime, REQ, "费用生成日期"),
                    Field::new("feeType", Text, REQ, "费用类型"),
                    Field::new("departmentName", Text, OPT, "开方科室"),
                    Field::new("departmentCode", Text, REQ, "开方科室代码"),
                    Field::new("doctorName", Text, REQ, "开方医生"),
                    Field::new("doctorCode", Text, REQ, "开方医生代码"),
                    Field::new("diagnosisCode", Text, REQ, "诊断代码"),
                    Field::new("diagnosisName", Text, REQ, "医生诊断名称"),
                ],
                child: Some(&FEE_DETAIL),
                key: None,
            },
        ),
        ..PLAIN
    },
    // 8.3 门诊缴费支付
    Method {
        section: "8.3",
        name: "outpatientPay",
        data_type: None,
        title: "门诊缴费支付",
        direction: Direction::Inbound,
        kind: Kind::Payment,
        request: flat(&[
            Field::new("prescriptionNo", Text, REQ, "费用单编号，多个用逗号分隔")
                .example("20150309001"),
            Field::new("realName", Text, REQ, "就诊人姓名").example("李明"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("12345678"),
            Field::new("orderFee", Money, REQ, "缴费金额").example("190.00"),
            Field::new("payType", Text, OPT, "付款来源").example("weChat"),
            Field::new("feeType", Text, REQ, "费用类型").example("药费"),
            Field::new("payedTime", DateTime, REQ, "支付成功时间（对账用）")
                .example("2015-03-20 19:33:45"),
            Field::new("tradeNo", Text, REQ, "商户交易订单号（唯一）").example("12321"),
        ]),
        response: flat(&[
            Field::new("invoiceNo", Text, REQ, "发票号"),
            Field::new("serialNo", Text, REQ, "HIS 支付流水号"),
            // Not in this section's table; the platform reads it from every
            // payment notification's answer (5.3, 6.3 and the §10 note).
            Field::new("isRefund", Text, OPT, "失败时是否退款：0 否，1 是"),
        ]),
        payment: Some(&PaymentRule {
            amount: "orderFee",
            patient: &["patientCard"],
            order: Some("prescriptionNo"),
            transaction_type: "2",
            data_src: "hisSrc",
        }),
        ..PLAIN
    },
    // 9.1 获取就诊人已预缴的住院费用
    Method {
        section: "9.1",
        name: "getPatientExpense",
        data_type: None,
        title: "获取就诊人已预缴的住院费用",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名").example("李明"),
            Field::new("queryId", Text, REQ, "住院号、卡号或就诊人 id").example("12345678"),
        ]),
        response: flat(&[
            Field::new("prepayAmt", Money, REQ, "已预缴住院金额"),
            Field::new("usedAmt", Money, REQ, "已经使用金额"),
            Field::new("remainAmt", Money, REQ, "剩余金额"),
        ]),
        ..PLAIN
    },
    // 9.2 获取某日住院费用清单
    Method {
        section: "9.2",
        name: "getDayExpense",
        data_type: None,
        title: "获取某日住院费用清单",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名").example("李明"),
            Field::new("queryId", Text, REQ, "住院号、卡号或就诊人 id").example("12345678"),
            Field::new("date", Date, REQ, "日期").example("2015-11-12"),
        ]),
        response: with_list(
            &[],
            &List {
                section: "data",
                wrapper: None,
                item: "data",
                fields: &[
                    Field::new("feeType", Text, REQ, "费用类型"),
                    Field::new("amount", Money, REQ, "总金额"),
                    Field::new("count", Int, REQ, "数量"),
                    Field::new("price", Money, REQ, "单价"),
                ],
                child: None,
                key: None,
            },
        ),
        ..PLAIN
    },
    // 10.1 预缴住院费用
    Method {
        section: "10.1",
        name: "prePayExpense",
        data_type: None,
        title: "预缴住院费用",
        direction: Direction::Inbound,
        kind: Kind::Payment,
        request: flat(&[
            Field::new("realName", Text, REQ, "就诊人姓名").example("李明"),
            Field::new("patientCard", Text, REQ, "住院号/就诊卡号").example("12345678"),
            Field::new("prepayaAmt", Money, REQ, "预缴金额").example("200"),
            Field::new("payType", Text, OPT, "付款来源").example("weChat"),
            Field::new("tradeNo", Text, REQ, "商户交易订单号（唯一）").example("110821124"),
            Field::new("payedTime", DateTime, REQ, "支付成功时间（对账用）")
                .example("2015-03-20 19:33:45"),
        ]),
        response: flat(&[
            Field::new("invoiceNo", Text, REQ, "发票号"),
            Field::new("serialNo", Text, REQ, "HIS 支付流水号"),
            // Not in this section's table; the platform reads it from every
            // payment notification's answer (5.3, 6.3 and the §10 note).
            Field::new("isRefund", Text, OPT, "失败时是否退款：0 否，1 是"),
        ]),
        payment: Some(&PaymentRule {
            amount: "prepayaAmt",
            patient: &["patientCard"],
            order: None,
            transaction_type: "3",
            data_src: "prepaySrc",
        }),
        ..PLAIN
    },
    // 11.1 一卡通信息校验
    Method {
        section: "11.1",
        name: "checkECard",
        data_type: None,
        title: "一卡通信息校验",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("patientCard", Text, REQ, "就诊卡号").example("500000003"),
            Field::new("realName", Text, REQ, "就诊人姓名").example("张三"),
        ]),
        response: flat(&[Field::new("remainAmt", Money, REQ, "一卡通余额")]),
        ..PLAIN
    },
    // 11.2 一卡通充值
    Method {
        section: "11.2",
        name: "rechargeECard",
        data_type: None,
        title: "一卡通充值",
        direction: Direction::Inbound,
        kind: Kind::Payment,
        request: flat(&[
            Field::new("patientCard", Text, REQ, "就诊卡号").example("500000003"),
            Field::new("realName", Text, REQ, "就诊人姓名").example("张三"),
            Field::new("amount", Money, REQ, "金额").example("100"),
            Field::new("payType", Text, OPT, "付款来源").example("weChat"),
            Field::new("tradeNo", Text, REQ, "交易流水").example("1234573"),
            Field::new("nonceStr", Text, REQ, "随机字符串").example("witon"),
            Field::new("sign", Text, REQ, "签名（§17）").example("ISMvKXpXpadDiUoOSoAfw=="),
            Field::new("payedTime", DateTime, REQ, "支付成功时间（对账用）")
                .example("2015-03-20 19:33:45"),
        ]),
        response: flat(&[
            Field::new("invoiceNo", Text, REQ, "发票号"),
            Field::new("serialNo", Text, REQ, "HIS 支付流水号"),
            // Not in this section's table; the platform reads it from every
            // payment notification's answer (5.3, 6.3 and the §10 note).
            Field::new("isRefund", Text, OPT, "失败时是否退款：0 否，1 是"),
        ]),
        payment: Some(&PaymentRule {
            amount: "amount",
            patient: &["patientCard"],
            order: None,
            transaction_type: "4",
            data_src: "eCardPay",
        }),
        sign: Some(SignRule::Verify),
        ..PLAIN
    },
    // 12.1 科室排队查询
    Method {
        section: "12.1",
        name: "findQueueUp",
        data_type: None,
        title: "科室排队查询",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("departmentName", Text, REQ, "科室名称").example("呼吸内科"),
            Field::new("departmentCode", Text, REQ, "科室编号").example("d0001"),
        ]),
        response: flat(&[
            Field::new("departmentName", Text, REQ, "科室名称"),
            Field::new("departmentCode", Text, OPT, "科室编号"),
            Field::new("doctorName", Text, REQ, "医生名称"),
            Field::new("doctorCode", Text, OPT, "医生编码"),
            Field::new("queueNownum", Int, REQ, "当前排队号"),
            Field::new("queueWaitnum", Int, REQ, "候诊人数"),
        ]),
        ..PLAIN
    },
    // 12.2 查询患者排队序号
    Method {
        section: "12.2",
        name: "getOutPatientOrderNum",
        data_type: None,
        title: "查询患者排队序号",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("realName", Text, REQ, "姓名").example("李明"),
            Field::new("patientCard", Text, REQ, "就诊人卡号").example("12345678"),
            Field::new("patientId", Text, OPT, "HIS 病人 ID").example("123"),
            Field::new("doctorCode", Text, OPT, "医生代码（专家门诊必填）").example("456"),
            Field::new("doctorName", Text, OPT, "医生名称（专家门诊必填）").example("张三"),
            Field::new("departmentName", Text, REQ, "科室名称").example("皮肤科门诊"),
            Field::new("departmentCode", Text, REQ, "科室代码").example("009"),
        ]),
        response: flat(&[Field::new("hisOrderNum", Text, REQ, "当前病人的排队序号")]),
        ..PLAIN
    },
    // 13.1 交易总对账接口
    Method {
        section: "13.1",
        name: "GetCheckLedgerInfo",
        data_type: None,
        title: "交易总对账接口",
        direction: Direction::Inbound,
        kind: Kind::Reconciliation,
        request: flat(&[
            Field::new("checkDate", Date, REQ, "对账日期（按 payedTime）").example("2015-12-30"),
        ]),
        response: with_list(
            &[
                Field::new("totalCash", Money, REQ, "交易总金额"),
                Field::new("totalCount", Int, REQ, "交易总笔数"),
                Field::new("refundCash", Money, OPT, "退款金额"),
                Field::new("refundCount", Int, OPT, "退款笔数"),
            ],
            &List {
                section: "detail",
                wrapper: None,
                item: "detail",
                fields: &[
                    Field::new("transactionType", Text, REQ, "交易类型（1 挂号…5 停车）"),
                    Field::new("totalCash", Money, OPT, "交易总金额"),
                    Field::new("totalCount", Int, OPT, "交易总笔数"),
                    Field::new("refundCash", Money, OPT, "退款金额"),
                    Field::new("refundCount", Int, OPT, "退款笔数"),
                ],
                child: None,
                key: None,
            },
        ),
        ledger: Some(LedgerAnswer::Totals),
        ..PLAIN
    },
    // 13.2 交易明细对账接口
    GET_CHEC_LEDGER_DETAIL,
    // 13.3 交易对账接口
    CHECK_ACCOUNT,
    // 14.1 退款申请接口
    REFUND_APPLY,
    // 15.1 退款状态查询
    QUERY_REFUND_STATUS,
    // 15.2 HIS 支付订单通知状态查询
    Method {
        section: "15.2",
        name: "queryOrderStatus",
        data_type: None,
        title: "HIS 支付订单通知状态查询",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            Field::new("tradeNo", Text, REQ, "支付订单号").example("EH051809010000000001"),
            Field::new("dataSrc", Text, REQ, "费用类型（附表 18.1）").example("hisSrc"),
        ]),
        response: flat(&[
            Field::new("invoiceNo", Text, REQ, "发票号"),
            Field::new("hisPayId", Text, REQ, "HIS 支付流水号"),
            Field::new("inspectPlace", Text, OPT, "检查检验地点（门诊缴费）"),
            Field::new("windowNo", Text, OPT, "取药窗口（门诊缴费）"),
            Field::new("registerId", Text, OPT, "HIS 挂号 id（挂号支付）"),
            Field::new("his_ordernumber", Int, OPT, "挂号号序（挂号支付）"),
        ]),
        ledger: Some(LedgerAnswer::OrderStatus),
        ..PLAIN
    },
    // 15.3 就诊状态查询
    Method {
        section: "15.3",
        name: "queryClinicStatus",
        data_type: None,
        title: "就诊状态查询",
        direction: Direction::Inbound,
        kind: Kind::Read,
        request: flat(&[
            // The spec shows two alternative examples; the clinicDate one is kept
            // (its registerId "xxxxxxx" is a placeholder, not an id).
            Field::new("registerId", Text, OPT, "HIS 挂号 id"),
            Field::new("clinicDate", Date, OPT, "挂号日期").example("2019-11-11"),
        ]),
        response: with_list(
            &[],
            &content(&[
                Field::new("registerId", Text, REQ, "HIS 挂号 id"),
                Field::new("status", Int, REQ, "0 未就诊，1 已就诊"),
            ]),
        ),
        ..PLAIN
    },
    // 16.1 推送取药成功消息
    Method {
        section: "16.1",
        name: "pushHisData",
        data_type: Some("getMedicalSuccess"),
        title: "推送取药成功消息",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospitalId", Text, REQ, "医院 id（睿博分配）"),
            Field::new("tradeNo", Text, REQ, "平台订单号"),
            Field::new("his_no", Text, REQ, "HIS 处方号，多个用逗号分隔"),
            Field::new("status", Text, OPT, "1 已取药，0 未取药"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.2 HIS 推送诊间支付提醒
    Method {
        section: "16.2",
        name: "pushHisData",
        data_type: Some("notifyOutpatientFee"),
        title: "HIS 推送诊间支付提醒",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospital_id", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("hospital_area_id", Text, REQ, "医院院区 ID"),
            Field::new("real_name", Text, REQ, "就诊人姓名"),
            Field::new("id_card", Text, REQ, "就诊人身份证号"),
            Field::new("patient_card", Text, REQ, "就诊人卡号"),
            Field::new("clinic_no", Text, OPT, "HIS 就诊号"),
            Field::new("fee_type", Text, OPT, "费用类型"),
            Field::new("fee_date", Date, OPT, "费用日期"),
            Field::new("total_amount", Money, REQ, "费用金额"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.3 HIS 推送住院欠费通知
    Method {
        section: "16.3",
        name: "pushHisData",
        data_type: Some("pushInhospitalFee"),
        title: "HIS 推送住院欠费通知",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospital_id", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("hospital_area_id", Text, REQ, "医院院区 ID"),
            Field::new("real_name", Text, REQ, "就诊人姓名"),
            Field::new("id_card", Text, REQ, "就诊人身份证号"),
            Field::new("patient_card", Text, REQ, "就诊人卡号"),
            Field::new("serial_number", Text, OPT, "住院号"),
            Field::new("total_amount", Money, OPT, "住院预缴总金额"),
            Field::new("used_amount", Money, OPT, "已使用金额"),
            Field::new("remain_amount", Money, OPT, "剩余金额"),
            Field::new("arrear_amount", Money, REQ, "欠费金额"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.4 HIS 推送住院一日清清单费用
    Method {
        section: "16.4",
        name: "pushHisData",
        data_type: Some("pushDayExpense"),
        title: "HIS 推送住院一日清清单费用",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospital_id", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("hospital_area_id", Text, REQ, "医院院区 ID"),
            Field::new("real_name", Text, REQ, "就诊人姓名"),
            Field::new("id_card", Text, REQ, "就诊人身份证号"),
            Field::new("patient_card", Text, REQ, "就诊人卡号"),
            Field::new("serial_number", Text, OPT, "住院号"),
            Field::new("fee_type", Text, OPT, "费用类型"),
            Field::new("fee_date", Date, REQ, "费用日期"),
            Field::new("total_amount", Money, REQ, "当日住院费用金额"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.5 HIS 推送就诊完成通知
    Method {
        section: "16.5",
        name: "pushHisData",
        data_type: Some("pushClinicFinish"),
        title: "HIS 推送就诊完成通知",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospital_id", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("hospital_area_id", Text, REQ, "医院院区 ID"),
            Field::new("real_name", Text, REQ, "就诊人姓名"),
            Field::new("id_card", Text, REQ, "就诊人身份证号"),
            Field::new("patient_card", Text, REQ, "就诊人卡号"),
            Field::new("register_id", Text, OPT, "平台挂号 ID（与 his_id 二选一）"),
            Field::new("his_id", Text, OPT, "HIS 挂号 ID（与 register_id 二选一）"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.6 HIS 推送检验/检查报告通知
    Method {
        section: "16.6",
        name: "pushHisData",
        data_type: Some("pushReportFinish"),
        title: "HIS 推送检验/检查报告通知",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospital_id", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("hospital_area_id", Text, REQ, "医院院区 ID"),
            Field::new("real_name", Text, REQ, "就诊人姓名"),
            Field::new("id_card", Text, REQ, "就诊人身份证号"),
            Field::new("patient_card", Text, REQ, "就诊人卡号"),
            Field::new("report_id", Text, REQ, "报告 ID"),
            Field::new("report_scope", Text, REQ, "1 门诊，2 住院，3 体检"),
            Field::new("report_date", Date, OPT, "报告送检日期"),
            Field::new("report_address", Text, REQ, "取报告地点"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.7 HIS 推送发票打印通知
    Method {
        section: "16.7",
        name: "pushHisData",
        data_type: Some("printInvoiceSuccess"),
        title: "HIS 推送发票打印通知",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospital_id", Text, REQ, "医院 ID（睿博提供）"),
            Field::new("trade_no", Text, REQ, "平台订单号"),
            Field::new("invoice_number", Text, REQ, "发票号"),
            Field::new("print_time", DateTime, REQ, "发票打印时间"),
            Field::new("invoice_amount", Money, OPT, "发票金额"),
            Field::new("print_account", Text, OPT, "发票账户"),
            Field::new("print_place", Text, OPT, "发票打印地点"),
            Field::new("lable", Text, OPT, "发票标签"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.8 新增诊间支付提醒接口
    Method {
        section: "16.8",
        name: "pushHisData",
        data_type: Some("pushPatientFeeNotice"),
        title: "新增诊间支付提醒接口",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: in_data(&[
            Field::new("hospitalId", Text, REQ, "医院 ID（睿博分配）"),
            Field::new("realName", Text, REQ, "姓名"),
            Field::new("feeAmount", Money, REQ, "费用金额"),
            Field::new("feeType", Text, REQ, "费用类型"),
            Field::new("feeDate", Date, REQ, "日期"),
            Field::new("hisRegisterId", Text, REQ, "HIS 挂号 ID"),
            Field::new("patientCard", Text, REQ, "就诊卡号"),
        ]),
        response: Shape::EMPTY,
        push: true,
        ..PLAIN
    },
    // 16.9 推送停诊信息
    Method {
        section: "16.9",
        name: "pushStopSchedule",
        data_type: None,
        title: "推送停诊信息",
        direction: Direction::Outbound,
        kind: Kind::Outbound,
        request: flat(&[
            Field::new("hospitalId", Text, REQ, "医院 id"),
            Field::new("scheduleId", Text, REQ, "排班主键"),
            Field::new("clinicDate", Date, REQ, "排班日期"),
            Field::new("clinicTime", Text, OPT, "上午/下午"),
            Field::new("timeQuantum", Text, OPT, "时间段"),
            Field::new("departmentCode", Text, OPT, "科室代码"),
            Field::new("doctorCode", Text, OPT, "医生代码"),
        ]),
        response: Shape::EMPTY,
        push: true,
        wire: Wire::Json,
        ..PLAIN
    },
];

/// 13.2 交易明细对账接口
pub const GET_CHEC_LEDGER_DETAIL: Method = Method {
    section: "13.2",
    name: "GetChecLedgerDetail",
    data_type: None,
    title: "交易明细对账接口",
    direction: Direction::Inbound,
    kind: Kind::Reconciliation,
    request: flat(&[
        Field::new("checkDate", Date, REQ, "对账日期（按 payedTime）").example("2015-12-30"),
        Field::new("transactionType", Text, OPT, "交易类型（1 挂号…5 停车）").example("1"),
    ]),
    response: with_list(
        &[],
        &content(&[
            Field::new("transactionType", Text, REQ, "交易类型（1 挂号…5 停车）"),
            Field::new("hisPayId", Text, OPT, "HIS 支付唯一号"),
            Field::new("tradeNo", Text, REQ, "商户交易订单号"),
            Field::new(
                "hisRefundId",
                Text,
                OPT,
                "HIS 退款单号（refundApply 的 hisId）",
            ),
            Field::new("channel", Text, REQ, "0 收款，1 退款"),
            Field::new("amount", Money, REQ, "订单金额"),
        ]),
    ),
    ledger: Some(LedgerAnswer::Details),
    ..PLAIN
};

/// 13.3 交易对账接口
pub const CHECK_ACCOUNT: Method = Method {
    section: "13.3",
    name: "checkAccount",
    data_type: None,
    title: "交易对账接口",
    direction: Direction::Outbound,
    kind: Kind::Outbound,
    request: flat(&[
        Field::new("checkDate", Date, REQ, "对账日期"),
        Field::new("hospitalId", Text, REQ, "医院 Id（睿博提供）"),
    ]),
    response: with_list(
        &[
            Field::new("totalCash", Money, REQ, "交易总金额"),
            Field::new("totalCount", Int, REQ, "交易总笔数"),
        ],
        &List {
            section: "detail",
            wrapper: Some("detail"),
            item: "data",
            fields: &[
                Field::new("transactionType", Text, REQ, "交易类型（1 挂号…5 停车）"),
                Field::new("cash", Money, REQ, "金额"),
                Field::new("tradeNo", Text, REQ, "睿博商户订单号"),
                Field::new("orderType", Text, REQ, "1 收款，2 退款"),
                Field::new("orderTime", DateTime, OPT, "记账时间（即 payedTime）"),
                Field::new("orderPayWay", Text, OPT, "废弃不用"),
                Field::new("payType", Text, REQ, "支付类型"),
            ],
            child: None,
            key: None,
        },
    ),
    ..PLAIN
};

/// 14.1 退款申请接口
pub const REFUND_APPLY: Method = Method {
    section: "14.1",
    name: "refundApply",
    data_type: None,
    title: "退款申请接口",
    direction: Direction::Outbound,
    kind: Kind::Outbound,
    request: flat(&[
        Field::new("tradeNo", Text, REQ, "商户交易订单号"),
        Field::new("refundAmount", Money, REQ, "交易金额"),
        Field::new("hisId", Text, REQ, "HIS 退款主键"),
        Field::new("realName", Text, REQ, "就诊人姓名（不参与签名）"),
        Field::new("sign", Text, REQ, "签名（§17）"),
        Field::new("patientCard", Text, REQ, "就诊卡号"),
        Field::new("hospitalId", Text, REQ, "医院 id（睿博提供）"),
        Field::new("is_reverse", Text, OPT, "空或 0 退款，1 冲正"),
        Field::new("cashier_id", Text, OPT, "操作员或操作员 ID"),
    ]),
    response: Shape::EMPTY,
    sign: Some(SignRule::Sign {
        skip: &["realName"],
    }),
    ..PLAIN
};

/// 15.1 退款状态查询
pub const QUERY_REFUND_STATUS: Method = Method {
    section: "15.1",
    name: "queryRefundStatus",
    data_type: None,
    title: "退款状态查询",
    direction: Direction::Outbound,
    kind: Kind::Outbound,
    request: flat(&[
        Field::new("hisId", Text, REQ, "HIS 退款单号"),
        Field::new("hospitalId", Text, REQ, "医院 ID（睿博提供）"),
    ]),
    response: flat(&[
        Field::new("refundNo", Text, REQ, "退款流水号"),
        Field::new("tradeNo", Text, REQ, "订单号"),
        Field::new("refundAmount", Money, REQ, "退款金额"),
        Field::new(
            "refundStatus",
            Text,
            REQ,
            "1 申请成功，2 成功，3 失败，4 处理中",
        ),
    ]),
    ..PLAIN
};
