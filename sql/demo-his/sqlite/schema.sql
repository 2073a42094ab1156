-- 睿博演示医院 HIS 数据库 (SQLite)
--
-- A small legacy-style HIS: its own table and column names, its own codes
-- (sex '1'/'2', status codes, roster templates ...). Nothing here is shaped
-- like the Ruibo interface; the mappings under mappings/demo translate it.
--
-- Conventions of this HIS:
--   * money      TEXT holding an exact decimal, e.g. '15.00' (SQLite has no
--                exact decimal type; the gateway's dec_* helpers do the sums)
--   * dates      TEXT 'YYYY-MM-DD'
--   * date-times TEXT 'YYYY-MM-DD HH:MM:SS', local time
--   * flags      TEXT '1' / '0'
--
-- Run once when the database is created (init_scripts); every statement is
-- CREATE ... IF NOT EXISTS so running it again is harmless.

PRAGMA foreign_keys = ON;

------------------------------------------------------------------------------
-- 字典 dictionaries
------------------------------------------------------------------------------

-- 科室字典: two levels (dept_level '1' = 一级科室, '2' = 二级科室).
-- dept_type: '门诊' clinical outpatient, '住院' ward-only, '医技' lab/imaging/pharmacy.
CREATE TABLE IF NOT EXISTS dept_dict (
    dept_code    TEXT PRIMARY KEY,          -- codes of several generations: '001', 'd0001', '100001' ...
    dept_name    TEXT NOT NULL,
    parent_code  TEXT REFERENCES dept_dict(dept_code),
    dept_level   TEXT NOT NULL DEFAULT '2' CHECK (dept_level IN ('1', '2')),
    dept_type    TEXT NOT NULL DEFAULT '门诊',
    py_code      TEXT,                      -- 拼音首字母, used by the HIS search boxes
    location     TEXT,                      -- 科室位置
    logo_url     TEXT,
    intro        TEXT,                      -- 科室介绍
    feature      TEXT,                      -- 科室特色
    sort_no      INTEGER NOT NULL DEFAULT 0,
    valid_flag   TEXT NOT NULL DEFAULT '1'
);

-- 职称字典 (GB/T 8561 codes: 231 主任医师 ... 234 医师)
CREATE TABLE IF NOT EXISTS title_dict (
    title_code   TEXT PRIMARY KEY,
    title_name   TEXT NOT NULL
);

-- 医生字典
CREATE TABLE IF NOT EXISTS doctor_dict (
    doctor_code    TEXT PRIMARY KEY,
    doctor_name    TEXT NOT NULL,
    sex            TEXT,                    -- '1' 男 '2' 女
    dept_code      TEXT NOT NULL REFERENCES dept_dict(dept_code),  -- 所属科室
    title_code     TEXT REFERENCES title_dict(title_code),        -- 临床职称
    academic_title TEXT,                    -- 学术职称 (教授/副教授/讲师), NULL if none
    specialty      TEXT,                    -- 擅长
    intro          TEXT,                    -- 简介
    photo_url      TEXT,
    expert_flag    TEXT NOT NULL DEFAULT '0',  -- '1' 可开专家号
    valid_flag     TEXT NOT NULL DEFAULT '1'
);

-- 病区字典
CREATE TABLE IF NOT EXISTS ward_dict (
    ward_code    TEXT PRIMARY KEY,
    ward_name    TEXT NOT NULL,
    dept_code    TEXT REFERENCES dept_dict(dept_code),
    campus       TEXT                       -- 院区
);

------------------------------------------------------------------------------
-- 排班 outpatient roster
------------------------------------------------------------------------------

-- 排班模板: the weekly roster. Sessions (schedule) are generated from it for
-- each day; week_days lists the weekdays it runs on, '1' = Monday .. '7' = Sunday.
-- doctor_code is NULL for a 普通门诊 session without a named doctor.
CREATE TABLE IF NOT EXISTS schedule_tpl (
    tpl_id         INTEGER PRIMARY KEY,
    dept_code      TEXT NOT NULL REFERENCES dept_dict(dept_code),
    doctor_code    TEXT REFERENCES doctor_dict(doctor_code),
    ampm           TEXT NOT NULL CHECK (ampm IN ('上午', '下午')),
    clinic_type    TEXT NOT NULL CHECK (clinic_type IN ('普通门诊', '专家门诊')),
    week_days      TEXT NOT NULL DEFAULT '1234567',
    time_quantum   TEXT NOT NULL,           -- '08:00-12:00'
    nums_per_point INTEGER NOT NULL,        -- 每个时间点放号数
    reg_fee        TEXT NOT NULL,           -- 挂号费(含诊查费), yuan
    valid_flag     TEXT NOT NULL DEFAULT '1'
);

-- 号源时间点模板: the time points of a morning / afternoon session.
CREATE TABLE IF NOT EXISTS time_point_dict (
    ampm         TEXT NOT NULL,
    point_no     INTEGER NOT NULL,          -- 号序 within the session
    visit_time   TEXT NOT NULL,             -- 'HH:MM'
    PRIMARY KEY (ampm, point_no)
);

-- 排班 (门诊出诊): one session of one roster line on one day.
-- Natural key: (tpl_id, clinic_date). status '1' 正常 / '0' 停诊.
-- stop_time is when it was stopped: an UPDATE that stops a session without
-- setting it gets the time of the update (trigger tr_schedule_stop_time).
-- Slot counts live in schedule_slot; the session's 总号源/剩余号源 are their sums.
CREATE TABLE IF NOT EXISTS schedule (
    schedule_id  TEXT PRIMARY KEY,          -- 'PB' || yyyymmdd || tpl_id, or a legacy id such as 'r001'
    tpl_id       INTEGER NOT NULL REFERENCES schedule_tpl(tpl_id),
    clinic_date  TEXT NOT NULL,
    ampm         TEXT NOT NULL,
    dept_code    TEXT NOT NULL REFERENCES dept_dict(dept_code),
    doctor_code  TEXT REFERENCES doctor_dict(doctor_code),
    clinic_type  TEXT NOT NULL,
    time_quantum TEXT NOT NULL,
    reg_fee      TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT '1' CHECK (status IN ('0', '1')),
    stop_reason  TEXT,
    stop_time    TEXT,
    create_time  TEXT NOT NULL,
    UNIQUE (tpl_id, clinic_date)
);
CREATE INDEX IF NOT EXISTS ix_schedule_date ON schedule (clinic_date, dept_code);
-- 停诊 in the order they were made (the 16.9 push polls it)
CREATE INDEX IF NOT EXISTS ix_schedule_stop ON schedule (status, stop_time);

-- 号源 (排班时间点): slots of a session per time point.
-- A booking takes one: UPDATE ... SET used_num = used_num + 1 WHERE used_num < total_num.
CREATE TABLE IF NOT EXISTS schedule_slot (
    slot_id      INTEGER PRIMARY KEY AUTOINCREMENT,   -- 号源编号
    schedule_id  TEXT NOT NULL REFERENCES schedule(schedule_id),
    point_no     INTEGER NOT NULL,                    -- 号序
    visit_time   TEXT NOT NULL,                       -- 'HH:MM'
    total_num    INTEGER NOT NULL,
    used_num     INTEGER NOT NULL DEFAULT 0,
    CHECK (used_num >= 0 AND used_num <= total_num),
    UNIQUE (schedule_id, point_no)
);

------------------------------------------------------------------------------
-- 病人 patients and cards
------------------------------------------------------------------------------

-- 病人主索引. patient_id is the HIS 病人ID (病历号), numeric text from sys_sequence.
CREATE TABLE IF NOT EXISTS patient (
    patient_id   TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    sex          TEXT NOT NULL,             -- GB/T 2261.1: '1' 男 '2' 女 '0' 未知
    birth_date   TEXT,
    id_type      TEXT NOT NULL DEFAULT '01',  -- '01' 居民身份证
    id_no        TEXT,
    phone        TEXT,
    address      TEXT,
    create_time  TEXT NOT NULL,
    valid_flag   TEXT NOT NULL DEFAULT '1'
);
CREATE INDEX IF NOT EXISTS ix_patient_id_no ON patient (id_no);

-- 卡: one patient may hold several cards.
-- card_type '1' 就诊卡 '2' 电子健康卡 '3' 一卡通(储值卡) '4' 虚拟卡
-- status '0' 正常 '1' 挂失 '2' 注销
CREATE TABLE IF NOT EXISTS card (
    card_no      TEXT PRIMARY KEY,
    patient_id   TEXT NOT NULL REFERENCES patient(patient_id),
    card_type    TEXT NOT NULL DEFAULT '1',
    status       TEXT NOT NULL DEFAULT '0',
    issue_time   TEXT NOT NULL,
    status_time  TEXT
);
CREATE INDEX IF NOT EXISTS ix_card_patient ON card (patient_id);

------------------------------------------------------------------------------
-- 门诊 outpatient
------------------------------------------------------------------------------

-- 挂号 (also 预约: reg_type '2').
-- status '0' 锁号待支付 '1' 已挂号(已支付) '9' 已退号
-- visit_status '0' 未就诊 '1' 已就诊
-- reg_way '1' 窗口 '2' 自助机 '3' 互联网(睿博)
CREATE TABLE IF NOT EXISTS outp_register (
    register_id   TEXT PRIMARY KEY,         -- 'GH' || yyyymmdd || seq
    clinic_no     TEXT UNIQUE,              -- 门诊就诊号
    patient_id    TEXT NOT NULL REFERENCES patient(patient_id),
    card_no       TEXT REFERENCES card(card_no),
    schedule_id   TEXT REFERENCES schedule(schedule_id),
    slot_id       INTEGER REFERENCES schedule_slot(slot_id),
    dept_code     TEXT NOT NULL REFERENCES dept_dict(dept_code),
    doctor_code   TEXT REFERENCES doctor_dict(doctor_code),
    clinic_type   TEXT NOT NULL,
    visit_date    TEXT NOT NULL,            -- 就诊日期
    ampm          TEXT NOT NULL,
    visit_time    TEXT,                     -- 时间点 'HH:MM'
    reg_fee       TEXT NOT NULL,
    reg_type      TEXT NOT NULL DEFAULT '1',  -- '1' 当日挂号 '2' 预约
    reg_way       TEXT NOT NULL DEFAULT '1',
    status        TEXT NOT NULL DEFAULT '1',
    visit_status  TEXT NOT NULL DEFAULT '0',
    queue_no      INTEGER,                  -- 候诊序号
    trade_no      TEXT,                     -- platform order (internet registrations)
    invoice_no    TEXT,
    reg_time      TEXT NOT NULL,            -- 挂号时间
    see_time      TEXT,                     -- 接诊时间
    cancel_time   TEXT
);
CREATE INDEX IF NOT EXISTS ix_register_patient ON outp_register (patient_id, visit_date);
CREATE INDEX IF NOT EXISTS ix_register_date ON outp_register (visit_date);
-- 接诊 in the order they happened (the 16.5 push polls it)
CREATE INDEX IF NOT EXISTS ix_register_seen ON outp_register (visit_status, see_time);

-- 处方/申请单 主表 (drugs, exams, lab tests: everything the clinic charges).
-- rx_type '1' 西药 '2' 中成药 '3' 检查 '4' 检验 '5' 治疗
-- charge_status '0' 未收费 '1' 已收费 '2' 已退费 '9' 作废
CREATE TABLE IF NOT EXISTS rx_master (
    rx_no         TEXT PRIMARY KEY,         -- 处方号
    register_id   TEXT NOT NULL REFERENCES outp_register(register_id),
    patient_id    TEXT NOT NULL REFERENCES patient(patient_id),
    dept_code     TEXT NOT NULL REFERENCES dept_dict(dept_code),   -- 开方科室
    doctor_code   TEXT NOT NULL REFERENCES doctor_dict(doctor_code), -- 开方医生
    rx_type       TEXT NOT NULL,
    diag_code     TEXT,                     -- ICD-10
    diag_name     TEXT,
    create_time   TEXT NOT NULL,            -- 开方时间
    charge_status TEXT NOT NULL DEFAULT '0',
    charge_time   TEXT,
    invoice_no    TEXT,
    pay_id        TEXT                      -- pay_ledger.his_pay_id once paid
);
CREATE INDEX IF NOT EXISTS ix_rx_patient ON rx_master (patient_id, charge_status);
CREATE INDEX IF NOT EXISTS ix_rx_register ON rx_master (register_id);
-- prescriptions in the order they were written (the 16.2 / 16.8 pushes poll it)
CREATE INDEX IF NOT EXISTS ix_rx_create ON rx_master (create_time);

-- 处方明细
CREATE TABLE IF NOT EXISTS rx_detail (
    rx_no         TEXT NOT NULL REFERENCES rx_master(rx_no),
    line_no       INTEGER NOT NULL,
    item_code     TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    spec          TEXT,                     -- 规格
    unit          TEXT,                     -- 单位
    price         TEXT NOT NULL,
    qty           TEXT NOT NULL,
    amount        TEXT NOT NULL,            -- price * qty
    route_name    TEXT,                     -- 用法: 口服/外用 (drugs only)
    freq_name     TEXT,                     -- 频次: 每日三次 (drugs only)
    dose          TEXT,                     -- 单次用量 (drugs only)
    dose_unit     TEXT,
    days          INTEGER,
    exec_dept     TEXT REFERENCES dept_dict(dept_code),
    PRIMARY KEY (rx_no, line_no)
);

-- 发药记录 (药房): one row per prescription handed out at a pharmacy window,
-- or taken back. status '1' 已发药 '0' 已退药. Inserting a '1' row raises the
-- 取药 event of a prescription paid on the platform (trigger tr_rx_dispense_event).
CREATE TABLE IF NOT EXISTS rx_dispense (
    dispense_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    rx_no         TEXT NOT NULL REFERENCES rx_master(rx_no),
    window_no     TEXT,                     -- 取药窗口: '西药房3号窗口'
    dispense_time TEXT NOT NULL,            -- 发药时间
    operator      TEXT,                     -- 发药药师
    status        TEXT NOT NULL DEFAULT '1'
);
CREATE INDEX IF NOT EXISTS ix_dispense_rx ON rx_dispense (rx_no);

------------------------------------------------------------------------------
-- 检验 LIS / 检查 PACS (the two systems keep separate id spaces)
------------------------------------------------------------------------------

-- 检验报告. source_type '1' 门诊 '2' 住院; status '0' 已申请 '1' 已采样 '2' 已审核(出报告)
CREATE TABLE IF NOT EXISTS lis_report (
    report_id     TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patient(patient_id),
    source_type   TEXT NOT NULL,
    register_id   TEXT REFERENCES outp_register(register_id),  -- 门诊
    inp_no        TEXT,                                        -- 住院
    apply_dept    TEXT REFERENCES dept_dict(dept_code),
    apply_doctor  TEXT REFERENCES doctor_dict(doctor_code),
    diag_code     TEXT,
    diag_name     TEXT,
    group_name    TEXT NOT NULL,            -- 检验组合: 血常规 ...
    sample_type   TEXT NOT NULL,            -- 标本: 全血/血清
    sample_time   TEXT NOT NULL,            -- 采样时间
    report_time   TEXT,                     -- 审核时间
    status        TEXT NOT NULL DEFAULT '0',
    auditor       TEXT
);
CREATE INDEX IF NOT EXISTS ix_lis_patient ON lis_report (patient_id, sample_time);
-- audited reports in the order they were signed (the 16.6 push polls it)
CREATE INDEX IF NOT EXISTS ix_lis_signed ON lis_report (status, report_time);

-- 检验结果. abnormal_flag 'H' 偏高 'L' 偏低 'N' 正常 'P' 阳性
CREATE TABLE IF NOT EXISTS lis_result (
    report_id     TEXT NOT NULL REFERENCES lis_report(report_id),
    seq           INTEGER NOT NULL,
    item_code     TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    result_value  TEXT,
    unit          TEXT,
    ref_range     TEXT,
    abnormal_flag TEXT NOT NULL DEFAULT 'N',
    PRIMARY KEY (report_id, seq)
);

-- 检查报告 (放射/超声/病理). status '0' 已登记 '1' 已检查 '2' 已审核
CREATE TABLE IF NOT EXISTS pacs_report (
    report_id     TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL REFERENCES patient(patient_id),
    source_type   TEXT NOT NULL,            -- '1' 门诊 '2' 住院
    register_id   TEXT REFERENCES outp_register(register_id),
    inp_no        TEXT,
    apply_dept    TEXT REFERENCES dept_dict(dept_code),
    apply_doctor  TEXT REFERENCES doctor_dict(doctor_code),
    diag_code     TEXT,
    diag_name     TEXT,
    exam_class    TEXT NOT NULL,            -- CT / DR / 超声 / 病理
    exam_item     TEXT NOT NULL,            -- 胸部CT平扫
    exam_time     TEXT NOT NULL,
    report_time   TEXT,
    findings      TEXT,                     -- 检查所见
    impression    TEXT,                     -- 诊断意见
    image_url     TEXT,
    status        TEXT NOT NULL DEFAULT '0',
    reporter      TEXT
);
CREATE INDEX IF NOT EXISTS ix_pacs_patient ON pacs_report (patient_id, exam_time);
CREATE INDEX IF NOT EXISTS ix_pacs_signed ON pacs_report (status, report_time);

------------------------------------------------------------------------------
-- 住院 inpatient
------------------------------------------------------------------------------

-- 住院登记. inp_status '1' 在院 '2' 出院未结算 '3' 出院已结算
CREATE TABLE IF NOT EXISTS inpatient (
    inp_no         TEXT PRIMARY KEY,        -- 住院号
    patient_id     TEXT NOT NULL REFERENCES patient(patient_id),
    card_no        TEXT REFERENCES card(card_no),
    admit_times    INTEGER NOT NULL DEFAULT 1,  -- 第几次住院
    admit_time     TEXT NOT NULL,
    discharge_time TEXT,
    dept_code      TEXT NOT NULL REFERENCES dept_dict(dept_code),
    ward_code      TEXT REFERENCES ward_dict(ward_code),
    bed_no         TEXT,
    doctor_code    TEXT REFERENCES doctor_dict(doctor_code),  -- 管床医生
    diag_code      TEXT,
    diag_name      TEXT,
    inp_status     TEXT NOT NULL DEFAULT '1'
);
CREATE INDEX IF NOT EXISTS ix_inpatient_patient ON inpatient (patient_id);
-- the stays in hospital (the 16.3 push reads them once a day)
CREATE INDEX IF NOT EXISTS ix_inpatient_status ON inpatient (inp_status);

-- 预交金. status '1' 有效 '0' 已退/作废
CREATE TABLE IF NOT EXISTS inp_prepay (
    prepay_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    inp_no        TEXT NOT NULL REFERENCES inpatient(inp_no),
    amount        TEXT NOT NULL,
    pay_way       TEXT NOT NULL,            -- 现金/银行卡/微信/支付宝
    trade_no      TEXT,                     -- platform order for online prepayments
    receipt_no    TEXT,                     -- 预交金收据号
    pay_time      TEXT NOT NULL,
    operator      TEXT,
    status        TEXT NOT NULL DEFAULT '1'
);
CREATE INDEX IF NOT EXISTS ix_prepay_inp ON inp_prepay (inp_no);
-- prepayments in the order they were paid (the 16.3 push polls it)
CREATE INDEX IF NOT EXISTS ix_prepay_time ON inp_prepay (pay_time, inp_no);

-- 住院费用明细 (记账). fee_class: 床位费 护理费 诊查费 西药费 检查费 检验费 治疗费 材料费
CREATE TABLE IF NOT EXISTS inp_fee_detail (
    fee_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    inp_no        TEXT NOT NULL REFERENCES inpatient(inp_no),
    fee_date      TEXT NOT NULL,            -- 费用日期
    charge_time   TEXT NOT NULL,            -- 记账时间
    item_code     TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    fee_class     TEXT NOT NULL,
    spec          TEXT,
    unit          TEXT,
    price         TEXT NOT NULL,
    qty           TEXT NOT NULL,
    amount        TEXT NOT NULL,
    order_doctor  TEXT REFERENCES doctor_dict(doctor_code),
    exec_dept     TEXT REFERENCES dept_dict(dept_code)
);
CREATE INDEX IF NOT EXISTS ix_inp_fee ON inp_fee_detail (inp_no, fee_date);
-- the 16.3 / 16.4 pushes: charges in the order they were booked, and the
-- day's total per stay read from the index alone
CREATE INDEX IF NOT EXISTS ix_inp_fee_charge ON inp_fee_detail (charge_time, inp_no);
CREATE INDEX IF NOT EXISTS ix_inp_fee_day ON inp_fee_detail (fee_date, inp_no, amount);

------------------------------------------------------------------------------
-- 一卡通 stored-value card accounts
------------------------------------------------------------------------------

-- status '0' 正常 '1' 冻结
CREATE TABLE IF NOT EXISTS ecard_account (
    card_no       TEXT PRIMARY KEY REFERENCES card(card_no),
    patient_id    TEXT NOT NULL REFERENCES patient(patient_id),
    balance       TEXT NOT NULL DEFAULT '0.00',
    status        TEXT NOT NULL DEFAULT '0',
    open_time     TEXT NOT NULL,
    update_time   TEXT
);

-- 一卡通流水. txn_type '1' 充值 '2' 消费 '3' 退款
CREATE TABLE IF NOT EXISTS ecard_txn (
    txn_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    card_no       TEXT NOT NULL REFERENCES ecard_account(card_no),
    txn_type      TEXT NOT NULL,
    amount        TEXT NOT NULL,
    balance_after TEXT NOT NULL,
    pay_way       TEXT,
    trade_no      TEXT,
    txn_time      TEXT NOT NULL,
    remark        TEXT
);

------------------------------------------------------------------------------
-- 分诊排队 triage queue
------------------------------------------------------------------------------

-- The triage system's live table: the current day's queue only (the triage
-- system archives it at night). It keeps its own copy of name and card.
-- doctor_code NULL = the department's shared queue (普通门诊).
-- status '0' 候诊 '1' 就诊中 '2' 已就诊 '3' 过号
CREATE TABLE IF NOT EXISTS queue_list (
    queue_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_date    TEXT NOT NULL,
    dept_code     TEXT NOT NULL REFERENCES dept_dict(dept_code),
    doctor_code   TEXT REFERENCES doctor_dict(doctor_code),
    queue_no      INTEGER NOT NULL,
    patient_name  TEXT NOT NULL,
    card_no       TEXT,
    patient_id    TEXT,
    register_id   TEXT,
    status        TEXT NOT NULL DEFAULT '0',
    sign_time     TEXT NOT NULL,            -- 签到时间
    call_time     TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_queue_no
    ON queue_list (queue_date, dept_code, IFNULL(doctor_code, ''), queue_no);

------------------------------------------------------------------------------
-- 收费 payments (all channels) and sequences
------------------------------------------------------------------------------

-- 收费流水: one row per payment or refund of any business.
-- biz_type '1' 挂号 '2' 门诊缴费 '3' 住院预交 '4' 一卡通充值
-- channel '0' 收款 '1' 退款
CREATE TABLE IF NOT EXISTS pay_ledger (
    his_pay_id    TEXT PRIMARY KEY,
    biz_type      TEXT NOT NULL,
    biz_no        TEXT,                     -- register_id / rx_no list / inp_no / card_no
    patient_id    TEXT REFERENCES patient(patient_id),
    amount        TEXT NOT NULL,
    pay_way       TEXT NOT NULL,            -- 现金 / 微信 / 支付宝 / 一卡通 ...
    pay_type      TEXT,                     -- platform payType for online payments
    trade_no      TEXT,                     -- platform order number, NULL at the window
    channel       TEXT NOT NULL DEFAULT '0',
    refund_id     TEXT,                     -- HIS refund number (channel '1')
    invoice_no    TEXT,
    payed_time    TEXT NOT NULL,            -- 记账时间
    operator      TEXT
);
-- a platform order is booked once
CREATE UNIQUE INDEX IF NOT EXISTS ux_pay_trade
    ON pay_ledger (trade_no) WHERE trade_no IS NOT NULL AND channel = '0';
CREATE INDEX IF NOT EXISTS ix_pay_time ON pay_ledger (payed_time);

-- 发票打印记录: every print of an invoice, at a window or a self-service
-- machine. print_type '1' 首次打印 '2' 重打/补打. The first print of the
-- invoice of a platform payment raises the 发票打印 event (trigger
-- tr_invoice_print_event).
CREATE TABLE IF NOT EXISTS invoice_print_log (
    print_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_no    TEXT NOT NULL,
    his_pay_id    TEXT NOT NULL REFERENCES pay_ledger(his_pay_id),
    print_type    TEXT NOT NULL DEFAULT '1',
    print_time    TEXT NOT NULL,
    print_place   TEXT,                     -- '门诊一楼收费处2号窗口' / '自助机ZZJ-05'
    operator      TEXT                      -- 收费员, or the machine's account
);
CREATE INDEX IF NOT EXISTS ix_invoice_print_no ON invoice_print_log (invoice_no);

-- 序列 (the HIS's substitute for database sequences)
CREATE TABLE IF NOT EXISTS sys_sequence (
    seq_name      TEXT PRIMARY KEY,
    cur_val       INTEGER NOT NULL
);

------------------------------------------------------------------------------
-- 事件 outbox: HIS events the gateway pushes to the platform
------------------------------------------------------------------------------

-- One row per event, written by the triggers below in the transaction of
-- the business change that raised it, so an event exists exactly when its
-- change committed. The gateway reads it by event_id (mappings/demo/push:
-- ReplacePatientCard, getMedicalSuccess, printInvoiceSuccess) and never
-- writes it; rows may be purged once pushed.
-- event_type is the push it feeds; ref_id the business key it is about
-- (the replaced virtual card, the 处方号, the 发票号): one event per
-- (event_type, ref_id), the triggers check for an earlier one.
CREATE TABLE IF NOT EXISTS his_event (
    event_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type    TEXT NOT NULL,            -- 'ReplacePatientCard' / 'getMedicalSuccess' / 'printInvoiceSuccess'
    ref_id        TEXT NOT NULL,
    patient_id    TEXT,
    card_no       TEXT,                     -- 换卡: the new (physical) card
    trade_no      TEXT,                     -- the platform order of the payment concerned
    amount        TEXT,                     -- 发票金额
    place         TEXT,                     -- 取药窗口 / 打印地点
    operator      TEXT,
    event_time    TEXT NOT NULL,            -- when it happened in the HIS
    created_at    TEXT NOT NULL DEFAULT (datetime('now', 'localtime'))
);
CREATE INDEX IF NOT EXISTS ix_his_event_type ON his_event (event_type, event_id);
CREATE INDEX IF NOT EXISTS ix_his_event_ref ON his_event (event_type, ref_id);

-- 虚拟卡换实体卡: a physical card (就诊卡 '1' or 一卡通 '3') issued to a
-- patient who holds a virtual card ('4') in use replaces it. The virtual
-- card is left as it is; a later physical card does not replace it again.
CREATE TRIGGER IF NOT EXISTS tr_card_replace_event
AFTER INSERT ON card
WHEN NEW.card_type IN ('1', '3') AND NEW.status = '0'
BEGIN
    INSERT INTO his_event (event_type, ref_id, patient_id, card_no, event_time)
    SELECT 'ReplacePatientCard', v.card_no, NEW.patient_id, NEW.card_no, NEW.issue_time
    FROM card v
    WHERE v.patient_id = NEW.patient_id
      AND v.card_type = '4'
      AND v.status = '0'
      AND NOT EXISTS (SELECT 1 FROM his_event e
                      WHERE e.event_type = 'ReplacePatientCard' AND e.ref_id = v.card_no);
END;

-- 取药: a prescription handed out whose payment was a platform order
-- (pay_ledger.trade_no); window payments are not the platform's business.
CREATE TRIGGER IF NOT EXISTS tr_rx_dispense_event
AFTER INSERT ON rx_dispense
WHEN NEW.status = '1'
BEGIN
    INSERT INTO his_event (event_type, ref_id, patient_id, trade_no, place, operator, event_time)
    SELECT 'getMedicalSuccess', m.rx_no, m.patient_id, l.trade_no, NEW.window_no, NEW.operator, NEW.dispense_time
    FROM rx_master m
    JOIN pay_ledger l ON l.his_pay_id = m.pay_id
    WHERE m.rx_no = NEW.rx_no
      AND l.trade_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM his_event e
                      WHERE e.event_type = 'getMedicalSuccess' AND e.ref_id = m.rx_no);
END;

-- 发票打印: the first print of the invoice of a platform payment.
CREATE TRIGGER IF NOT EXISTS tr_invoice_print_event
AFTER INSERT ON invoice_print_log
WHEN NEW.print_type = '1'
BEGIN
    INSERT INTO his_event (event_type, ref_id, patient_id, trade_no, amount, place, operator, event_time)
    SELECT 'printInvoiceSuccess', NEW.invoice_no, l.patient_id, l.trade_no, l.amount,
           NEW.print_place, NEW.operator, NEW.print_time
    FROM pay_ledger l
    WHERE l.his_pay_id = NEW.his_pay_id
      AND l.channel = '0'
      AND l.trade_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM his_event e
                      WHERE e.event_type = 'printInvoiceSuccess' AND e.ref_id = NEW.invoice_no);
END;

-- 停诊: a session stopped by an UPDATE that does not set stop_time gets the
-- time of the update (the 16.9 push orders stops by it).
CREATE TRIGGER IF NOT EXISTS tr_schedule_stop_time
AFTER UPDATE OF status ON schedule
WHEN NEW.status = '0' AND OLD.status <> '0' AND NEW.stop_time IS OLD.stop_time
BEGIN
    UPDATE schedule SET stop_time = datetime('now', 'localtime')
    WHERE schedule_id = NEW.schedule_id;
END;

------------------------------------------------------------------------------
-- 演示库元数据: the demo's own bookkeeping, not part of the HIS
------------------------------------------------------------------------------

-- key 'as_of': the day the demo data describes ('YYYY-MM-DD'). seed.sql sets
-- it to the day the database is created; when the gateway starts on a later
-- day, roll.sql moves every date of the hospital forward by the days elapsed
-- and sets it to today.
CREATE TABLE IF NOT EXISTS demo_meta (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL
);
