-- 睿博演示医院 HIS 数据库 (PostgreSQL 11 and later)
--
-- The same legacy-style HIS as sql/demo-his/sqlite/schema.sql and
-- sql/demo-his/mssql/schema.sql: the same tables, columns, keys and codes,
-- with the types the T-SQL version uses. Nothing here is shaped like the
-- Ruibo interface; the mappings under mappings/demo (the *.postgres.sql
-- overrides where SQLite and PostgreSQL differ) translate it.
--
-- Conventions of this HIS:
--   * money      numeric(12,2); the 一卡通 account keeps its amounts in
--                numeric(19,4), the range and scale of T-SQL's money type
--                (PostgreSQL's own money type depends on lc_monetary: not
--                used). Exact in every case.
--   * dates      date; date-times timestamp(0) (local time, whole seconds,
--                no time zone)
--   * time points varchar(5) 'HH:MM', roster hours varchar(11) 'HH:MM-HH:MM'
--   * flags      char(1) '1' / '0'
--   * codes, ids, card numbers and Chinese text: varchar (the database is
--     UTF8; T-SQL's nvarchar and its GBK varchar are both varchar here).
--   * every text column is COLLATE "C": compared and sorted byte by byte
--     whatever the database's locale, as SQLite's BINARY collation and the
--     T-SQL mappings' COLLATE Latin1_General_BIN2 do ('D0017' before
--     'd0001', '上午' before '下午'), so the mappings order rows as the
--     SQLite demo does.
--   * every table lives in the schema the connection's search_path names
--     first (public by default); the mappings do not qualify table names.
--
-- Run once, when the database is created (hisgw sql --create-database), as
-- one batch in one transaction. Every object is created only when missing
-- (the trigger functions are replaced, the triggers dropped and created
-- again), so running it again is harmless.
--
-- Two things differ from the T-SQL version, for roll.sql (which moves every
-- date forward, session ids included, in one transaction):
--   * the foreign keys that point at a session (schedule_slot and
--     outp_register -> schedule) and the unique key (tpl_id, clinic_date)
--     are DEFERRABLE INITIALLY IMMEDIATE: checked at the end of every
--     statement as usual, unless a transaction defers them to its commit
--     (SET CONSTRAINTS ... DEFERRED), as SQLite's defer_foreign_keys does;
--   * the queue number's uniqueness (the shared queue of a department
--     counting as one doctor) is one unique index on
--     COALESCE(doctor_code, ''), as in SQLite, instead of two filtered ones.

-- The notices of CREATE ... IF NOT EXISTS / DROP ... IF EXISTS on a second
-- run say nothing worth logging (this transaction only).
SET LOCAL client_min_messages = warning;

------------------------------------------------------------------------------
-- 字典 dictionaries
------------------------------------------------------------------------------

-- 科室字典: two levels (dept_level '1' = 一级科室, '2' = 二级科室).
-- dept_type: '门诊' clinical outpatient, '住院' ward-only, '医技' lab/imaging/pharmacy.
CREATE TABLE IF NOT EXISTS dept_dict (
    dept_code    varchar(10)   COLLATE "C" NOT NULL,      -- codes of several generations: '001', 'd0001', '100001' ...
    dept_name    varchar(50)   COLLATE "C" NOT NULL,
    parent_code  varchar(10)   COLLATE "C" NULL,
    dept_level   char(1)       COLLATE "C" NOT NULL DEFAULT ('2'),
    dept_type    varchar(10)   COLLATE "C" NOT NULL DEFAULT ('门诊'),
    py_code      varchar(20)   COLLATE "C" NULL,          -- 拼音首字母, used by the HIS search boxes
    location     varchar(100)  COLLATE "C" NULL,          -- 科室位置
    logo_url     varchar(200)  COLLATE "C" NULL,
    intro        varchar(500)  COLLATE "C" NULL,          -- 科室介绍
    feature      varchar(200)  COLLATE "C" NULL,          -- 科室特色
    sort_no      integer       NOT NULL DEFAULT (0),
    valid_flag   char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_dept_dict PRIMARY KEY (dept_code),
    CONSTRAINT fk_dept_dict_parent FOREIGN KEY (parent_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT ck_dept_dict_level CHECK (dept_level IN ('1', '2'))
);

-- 职称字典 (GB/T 8561 codes: 231 主任医师 ... 234 医师)
CREATE TABLE IF NOT EXISTS title_dict (
    title_code   varchar(10)   COLLATE "C" NOT NULL,
    title_name   varchar(20)   COLLATE "C" NOT NULL,
    CONSTRAINT pk_title_dict PRIMARY KEY (title_code)
);

-- 医生字典
CREATE TABLE IF NOT EXISTS doctor_dict (
    doctor_code    varchar(10)   COLLATE "C" NOT NULL,
    doctor_name    varchar(20)   COLLATE "C" NOT NULL,
    sex            char(1)       COLLATE "C" NULL,        -- '1' 男 '2' 女
    dept_code      varchar(10)   COLLATE "C" NOT NULL,    -- 所属科室
    title_code     varchar(10)   COLLATE "C" NULL,        -- 临床职称
    academic_title varchar(20)   COLLATE "C" NULL,        -- 学术职称 (教授/副教授/讲师), NULL if none
    specialty      varchar(200)  COLLATE "C" NULL,        -- 擅长
    intro          varchar(500)  COLLATE "C" NULL,        -- 简介
    photo_url      varchar(200)  COLLATE "C" NULL,
    expert_flag    char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),  -- '1' 可开专家号
    valid_flag     char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_doctor_dict PRIMARY KEY (doctor_code),
    CONSTRAINT fk_doctor_dict_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_doctor_dict_title FOREIGN KEY (title_code) REFERENCES title_dict (title_code)
);

-- 病区字典
CREATE TABLE IF NOT EXISTS ward_dict (
    ward_code    varchar(10)   COLLATE "C" NOT NULL,
    ward_name    varchar(50)   COLLATE "C" NOT NULL,
    dept_code    varchar(10)   COLLATE "C" NULL,
    campus       varchar(20)   COLLATE "C" NULL,          -- 院区
    CONSTRAINT pk_ward_dict PRIMARY KEY (ward_code),
    CONSTRAINT fk_ward_dict_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code)
);

------------------------------------------------------------------------------
-- 排班 outpatient roster
------------------------------------------------------------------------------

-- 排班模板: the weekly roster. Sessions (schedule) are generated from it for
-- each day; week_days lists the weekdays it runs on, '1' = Monday .. '7' = Sunday.
-- doctor_code is NULL for a 普通门诊 session without a named doctor.
CREATE TABLE IF NOT EXISTS schedule_tpl (
    tpl_id         integer       NOT NULL,
    dept_code      varchar(10)   COLLATE "C" NOT NULL,
    doctor_code    varchar(10)   COLLATE "C" NULL,
    ampm           varchar(2)    COLLATE "C" NOT NULL,
    clinic_type    varchar(10)   COLLATE "C" NOT NULL,
    week_days      varchar(7)    COLLATE "C" NOT NULL DEFAULT ('1234567'),
    time_quantum   varchar(11)   COLLATE "C" NOT NULL,    -- '08:00-12:00'
    nums_per_point integer       NOT NULL,    -- 每个时间点放号数
    reg_fee        numeric(12,2) NOT NULL,    -- 挂号费(含诊查费), yuan
    valid_flag     char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_schedule_tpl PRIMARY KEY (tpl_id),
    CONSTRAINT fk_schedule_tpl_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_schedule_tpl_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    CONSTRAINT ck_schedule_tpl_ampm CHECK (ampm IN ('上午', '下午')),
    CONSTRAINT ck_schedule_tpl_type CHECK (clinic_type IN ('普通门诊', '专家门诊'))
);

-- 号源时间点模板: the time points of a morning / afternoon session.
CREATE TABLE IF NOT EXISTS time_point_dict (
    ampm         varchar(2)    COLLATE "C" NOT NULL,
    point_no     integer       NOT NULL,      -- 号序 within the session
    visit_time   varchar(5)    COLLATE "C" NOT NULL,      -- 'HH:MM'
    CONSTRAINT pk_time_point_dict PRIMARY KEY (ampm, point_no)
);

-- 排班 (门诊出诊): one session of one roster line on one day.
-- Natural key: (tpl_id, clinic_date). status '1' 正常 / '0' 停诊.
-- stop_time is when it was stopped: an UPDATE that stops a session without
-- setting it gets the time of the update (trigger tr_schedule_stop_time).
-- Slot counts live in schedule_slot; the session's 总号源/剩余号源 are their sums.
CREATE TABLE IF NOT EXISTS schedule (
    schedule_id  varchar(20)   COLLATE "C" NOT NULL,      -- 'PB' || yyyymmdd || tpl_id, or a legacy id such as 'r001'
    tpl_id       integer       NOT NULL,
    clinic_date  date          NOT NULL,
    ampm         varchar(2)    COLLATE "C" NOT NULL,
    dept_code    varchar(10)   COLLATE "C" NOT NULL,
    doctor_code  varchar(10)   COLLATE "C" NULL,
    clinic_type  varchar(10)   COLLATE "C" NOT NULL,
    time_quantum varchar(11)   COLLATE "C" NOT NULL,
    reg_fee      numeric(12,2) NOT NULL,
    status       char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    stop_reason  varchar(100)  COLLATE "C" NULL,
    stop_time    timestamp(0)  NULL,
    create_time  timestamp(0)  NOT NULL,
    CONSTRAINT pk_schedule PRIMARY KEY (schedule_id),
    CONSTRAINT uq_schedule_tpl_date UNIQUE (tpl_id, clinic_date) DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT fk_schedule_tpl FOREIGN KEY (tpl_id) REFERENCES schedule_tpl (tpl_id),
    CONSTRAINT fk_schedule_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_schedule_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    CONSTRAINT ck_schedule_status CHECK (status IN ('0', '1'))
);
CREATE INDEX IF NOT EXISTS ix_schedule_date ON schedule (clinic_date, dept_code);
-- 停诊 in the order they were made (the 16.9 push polls it)
CREATE INDEX IF NOT EXISTS ix_schedule_stop ON schedule (status, stop_time);

-- 号源 (排班时间点): slots of a session per time point.
-- A booking takes one: UPDATE ... SET used_num = used_num + 1 WHERE used_num < total_num.
CREATE TABLE IF NOT EXISTS schedule_slot (
    slot_id      integer       GENERATED BY DEFAULT AS IDENTITY,  -- 号源编号
    schedule_id  varchar(20)   COLLATE "C" NOT NULL,
    point_no     integer       NOT NULL,      -- 号序
    visit_time   varchar(5)    COLLATE "C" NOT NULL,      -- 'HH:MM'
    total_num    integer       NOT NULL,
    used_num     integer       NOT NULL DEFAULT (0),
    CONSTRAINT pk_schedule_slot PRIMARY KEY (slot_id),
    CONSTRAINT uq_schedule_slot_point UNIQUE (schedule_id, point_no),
    CONSTRAINT fk_schedule_slot_schedule FOREIGN KEY (schedule_id) REFERENCES schedule (schedule_id)
        DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT ck_schedule_slot_used CHECK (used_num >= 0 AND used_num <= total_num)
);

------------------------------------------------------------------------------
-- 病人 patients and cards
------------------------------------------------------------------------------

-- 病人主索引. patient_id is the HIS 病人ID (病历号), numeric text from sys_sequence.
CREATE TABLE IF NOT EXISTS patient (
    patient_id   varchar(20)   COLLATE "C" NOT NULL,
    name         varchar(20)   COLLATE "C" NOT NULL,
    sex          char(1)       COLLATE "C" NOT NULL,      -- GB/T 2261.1: '1' 男 '2' 女 '0' 未知
    birth_date   date          NULL,
    id_type      varchar(2)    COLLATE "C" NOT NULL DEFAULT ('01'),  -- '01' 居民身份证
    id_no        varchar(20)   COLLATE "C" NULL,
    phone        varchar(20)   COLLATE "C" NULL,
    address      varchar(100)  COLLATE "C" NULL,
    create_time  timestamp(0)  NOT NULL,
    valid_flag   char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_patient PRIMARY KEY (patient_id)
);
CREATE INDEX IF NOT EXISTS ix_patient_id_no ON patient (id_no);

-- 卡: one patient may hold several cards.
-- card_type '1' 就诊卡 '2' 电子健康卡 '3' 一卡通(储值卡) '4' 虚拟卡
-- status '0' 正常 '1' 挂失 '2' 注销
CREATE TABLE IF NOT EXISTS card (
    card_no      varchar(20)   COLLATE "C" NOT NULL,
    patient_id   varchar(20)   COLLATE "C" NOT NULL,
    card_type    char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    status       char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    issue_time   timestamp(0)  NOT NULL,
    status_time  timestamp(0)  NULL,
    CONSTRAINT pk_card PRIMARY KEY (card_no),
    CONSTRAINT fk_card_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id)
);
CREATE INDEX IF NOT EXISTS ix_card_patient ON card (patient_id);

------------------------------------------------------------------------------
-- 门诊 outpatient
------------------------------------------------------------------------------

-- 挂号 (also 预约: reg_type '2').
-- status '0' 锁号待支付 '1' 已挂号(已支付) '9' 已退号
-- visit_status '0' 未就诊 '1' 已就诊
-- reg_way '1' 窗口 '2' 自助机 '3' 互联网(睿博)
-- clinic_no is unique where present (a unique index allows many NULLs).
CREATE TABLE IF NOT EXISTS outp_register (
    register_id   varchar(20)   COLLATE "C" NOT NULL,     -- 'GH' || yyyymmdd || seq
    clinic_no     varchar(20)   COLLATE "C" NULL,         -- 门诊就诊号
    patient_id    varchar(20)   COLLATE "C" NOT NULL,
    card_no       varchar(20)   COLLATE "C" NULL,
    schedule_id   varchar(20)   COLLATE "C" NULL,
    slot_id       integer       NULL,
    dept_code     varchar(10)   COLLATE "C" NOT NULL,
    doctor_code   varchar(10)   COLLATE "C" NULL,
    clinic_type   varchar(10)   COLLATE "C" NOT NULL,
    visit_date    date          NOT NULL,     -- 就诊日期
    ampm          varchar(2)    COLLATE "C" NOT NULL,
    visit_time    varchar(5)    COLLATE "C" NULL,         -- 时间点 'HH:MM'
    reg_fee       numeric(12,2) NOT NULL,
    reg_type      char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),  -- '1' 当日挂号 '2' 预约
    reg_way       char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    status        char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    visit_status  char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    queue_no      integer       NULL,         -- 候诊序号
    trade_no      varchar(64)   COLLATE "C" NULL,         -- platform order (internet registrations)
    invoice_no    varchar(30)   COLLATE "C" NULL,
    reg_time      timestamp(0)  NOT NULL,     -- 挂号时间
    see_time      timestamp(0)  NULL,         -- 接诊时间
    cancel_time   timestamp(0)  NULL,
    CONSTRAINT pk_outp_register PRIMARY KEY (register_id),
    CONSTRAINT fk_outp_register_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_outp_register_card FOREIGN KEY (card_no) REFERENCES card (card_no),
    CONSTRAINT fk_outp_register_schedule FOREIGN KEY (schedule_id) REFERENCES schedule (schedule_id)
        DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT fk_outp_register_slot FOREIGN KEY (slot_id) REFERENCES schedule_slot (slot_id),
    CONSTRAINT fk_outp_register_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_outp_register_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_register_clinic_no ON outp_register (clinic_no);
CREATE INDEX IF NOT EXISTS ix_register_patient ON outp_register (patient_id, visit_date);
CREATE INDEX IF NOT EXISTS ix_register_date ON outp_register (visit_date);
-- 接诊 in the order they happened (the 16.5 push polls it)
CREATE INDEX IF NOT EXISTS ix_register_seen ON outp_register (visit_status, see_time);

-- 处方/申请单 主表 (drugs, exams, lab tests: everything the clinic charges).
-- rx_type '1' 西药 '2' 中成药 '3' 检查 '4' 检验 '5' 治疗
-- charge_status '0' 未收费 '1' 已收费 '2' 已退费 '9' 作废
CREATE TABLE IF NOT EXISTS rx_master (
    rx_no         varchar(20)   COLLATE "C" NOT NULL,     -- 处方号
    register_id   varchar(20)   COLLATE "C" NOT NULL,
    patient_id    varchar(20)   COLLATE "C" NOT NULL,
    dept_code     varchar(10)   COLLATE "C" NOT NULL,     -- 开方科室
    doctor_code   varchar(10)   COLLATE "C" NOT NULL,     -- 开方医生
    rx_type       char(1)       COLLATE "C" NOT NULL,
    diag_code     varchar(20)   COLLATE "C" NULL,         -- ICD-10
    diag_name     varchar(100)  COLLATE "C" NULL,
    create_time   timestamp(0)  NOT NULL,     -- 开方时间
    charge_status char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    charge_time   timestamp(0)  NULL,
    invoice_no    varchar(30)   COLLATE "C" NULL,
    pay_id        varchar(30)   COLLATE "C" NULL,         -- pay_ledger.his_pay_id once paid
    CONSTRAINT pk_rx_master PRIMARY KEY (rx_no),
    CONSTRAINT fk_rx_master_register FOREIGN KEY (register_id) REFERENCES outp_register (register_id),
    CONSTRAINT fk_rx_master_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_rx_master_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_rx_master_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code)
);
CREATE INDEX IF NOT EXISTS ix_rx_patient ON rx_master (patient_id, charge_status);
CREATE INDEX IF NOT EXISTS ix_rx_register ON rx_master (register_id);
-- prescriptions in the order they were written (the 16.2 / 16.8 pushes poll it)
CREATE INDEX IF NOT EXISTS ix_rx_create ON rx_master (create_time);

-- 处方明细
CREATE TABLE IF NOT EXISTS rx_detail (
    rx_no         varchar(20)   COLLATE "C" NOT NULL,
    line_no       integer       NOT NULL,
    item_code     varchar(20)   COLLATE "C" NOT NULL,
    item_name     varchar(100)  COLLATE "C" NOT NULL,
    spec          varchar(50)   COLLATE "C" NULL,         -- 规格
    unit          varchar(10)   COLLATE "C" NULL,         -- 单位
    price         numeric(12,2) NOT NULL,
    qty           numeric(10,2) NOT NULL,
    amount        numeric(12,2) NOT NULL,     -- price * qty
    route_name    varchar(20)   COLLATE "C" NULL,         -- 用法: 口服/外用 (drugs only)
    freq_name     varchar(20)   COLLATE "C" NULL,         -- 频次: 每日三次 (drugs only)
    dose          varchar(20)   COLLATE "C" NULL,         -- 单次用量 (drugs only)
    dose_unit     varchar(10)   COLLATE "C" NULL,
    days          integer       NULL,
    exec_dept     varchar(10)   COLLATE "C" NULL,
    CONSTRAINT pk_rx_detail PRIMARY KEY (rx_no, line_no),
    CONSTRAINT fk_rx_detail_master FOREIGN KEY (rx_no) REFERENCES rx_master (rx_no),
    CONSTRAINT fk_rx_detail_exec_dept FOREIGN KEY (exec_dept) REFERENCES dept_dict (dept_code)
);

-- 发药记录 (药房): one row per prescription handed out at a pharmacy window,
-- or taken back. status '1' 已发药 '0' 已退药. Inserting a '1' row raises the
-- 取药 event of a prescription paid on the platform (trigger tr_rx_dispense_event).
CREATE TABLE IF NOT EXISTS rx_dispense (
    dispense_id   integer       GENERATED BY DEFAULT AS IDENTITY,
    rx_no         varchar(20)   COLLATE "C" NOT NULL,
    window_no     varchar(30)   COLLATE "C" NULL,         -- 取药窗口: '西药房3号窗口'
    dispense_time timestamp(0)  NOT NULL,     -- 发药时间
    operator      varchar(20)   COLLATE "C" NULL,         -- 发药药师
    status        char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_rx_dispense PRIMARY KEY (dispense_id),
    CONSTRAINT fk_rx_dispense_master FOREIGN KEY (rx_no) REFERENCES rx_master (rx_no)
);
CREATE INDEX IF NOT EXISTS ix_dispense_rx ON rx_dispense (rx_no);

------------------------------------------------------------------------------
-- 检验 LIS / 检查 PACS (the two systems keep separate id spaces)
------------------------------------------------------------------------------

-- 检验报告. source_type '1' 门诊 '2' 住院; status '0' 已申请 '1' 已采样 '2' 已审核(出报告)
CREATE TABLE IF NOT EXISTS lis_report (
    report_id     varchar(32)   COLLATE "C" NOT NULL,
    patient_id    varchar(20)   COLLATE "C" NOT NULL,
    source_type   char(1)       COLLATE "C" NOT NULL,
    register_id   varchar(20)   COLLATE "C" NULL,         -- 门诊
    inp_no        varchar(20)   COLLATE "C" NULL,         -- 住院
    apply_dept    varchar(10)   COLLATE "C" NULL,
    apply_doctor  varchar(10)   COLLATE "C" NULL,
    diag_code     varchar(20)   COLLATE "C" NULL,
    diag_name     varchar(100)  COLLATE "C" NULL,
    group_name    varchar(50)   COLLATE "C" NOT NULL,     -- 检验组合: 血常规 ...
    sample_type   varchar(20)   COLLATE "C" NOT NULL,     -- 标本: 全血/血清
    sample_time   timestamp(0)  NOT NULL,     -- 采样时间
    report_time   timestamp(0)  NULL,         -- 审核时间
    status        char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    auditor       varchar(20)   COLLATE "C" NULL,
    CONSTRAINT pk_lis_report PRIMARY KEY (report_id),
    CONSTRAINT fk_lis_report_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_lis_report_register FOREIGN KEY (register_id) REFERENCES outp_register (register_id),
    CONSTRAINT fk_lis_report_dept FOREIGN KEY (apply_dept) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_lis_report_doctor FOREIGN KEY (apply_doctor) REFERENCES doctor_dict (doctor_code)
);
CREATE INDEX IF NOT EXISTS ix_lis_patient ON lis_report (patient_id, sample_time);
-- audited reports in the order they were signed (the 16.6 push polls it)
CREATE INDEX IF NOT EXISTS ix_lis_signed ON lis_report (status, report_time);

-- 检验结果. abnormal_flag 'H' 偏高 'L' 偏低 'N' 正常 'P' 阳性
CREATE TABLE IF NOT EXISTS lis_result (
    report_id     varchar(32)   COLLATE "C" NOT NULL,
    seq           integer       NOT NULL,
    item_code     varchar(20)   COLLATE "C" NOT NULL,
    item_name     varchar(50)   COLLATE "C" NOT NULL,
    result_value  varchar(50)   COLLATE "C" NULL,
    unit          varchar(20)   COLLATE "C" NULL,
    ref_range     varchar(50)   COLLATE "C" NULL,
    abnormal_flag char(1)       COLLATE "C" NOT NULL DEFAULT ('N'),
    CONSTRAINT pk_lis_result PRIMARY KEY (report_id, seq),
    CONSTRAINT fk_lis_result_report FOREIGN KEY (report_id) REFERENCES lis_report (report_id)
);

-- 检查报告 (放射/超声/病理). status '0' 已登记 '1' 已检查 '2' 已审核
CREATE TABLE IF NOT EXISTS pacs_report (
    report_id     varchar(32)    COLLATE "C" NOT NULL,
    patient_id    varchar(20)    COLLATE "C" NOT NULL,
    source_type   char(1)        COLLATE "C" NOT NULL,    -- '1' 门诊 '2' 住院
    register_id   varchar(20)    COLLATE "C" NULL,
    inp_no        varchar(20)    COLLATE "C" NULL,
    apply_dept    varchar(10)    COLLATE "C" NULL,
    apply_doctor  varchar(10)    COLLATE "C" NULL,
    diag_code     varchar(20)    COLLATE "C" NULL,
    diag_name     varchar(100)   COLLATE "C" NULL,
    exam_class    varchar(20)    COLLATE "C" NOT NULL,    -- CT / DR / 超声 / 病理
    exam_item     varchar(50)    COLLATE "C" NOT NULL,    -- 胸部CT平扫
    exam_time     timestamp(0)   NOT NULL,
    report_time   timestamp(0)   NULL,
    findings      varchar(2000)  COLLATE "C" NULL,        -- 检查所见
    impression    varchar(1000)  COLLATE "C" NULL,        -- 诊断意见
    image_url     varchar(200)   COLLATE "C" NULL,
    status        char(1)        COLLATE "C" NOT NULL DEFAULT ('0'),
    reporter      varchar(20)    COLLATE "C" NULL,
    CONSTRAINT pk_pacs_report PRIMARY KEY (report_id),
    CONSTRAINT fk_pacs_report_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_pacs_report_register FOREIGN KEY (register_id) REFERENCES outp_register (register_id),
    CONSTRAINT fk_pacs_report_dept FOREIGN KEY (apply_dept) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_pacs_report_doctor FOREIGN KEY (apply_doctor) REFERENCES doctor_dict (doctor_code)
);
CREATE INDEX IF NOT EXISTS ix_pacs_patient ON pacs_report (patient_id, exam_time);
CREATE INDEX IF NOT EXISTS ix_pacs_signed ON pacs_report (status, report_time);

------------------------------------------------------------------------------
-- 住院 inpatient
------------------------------------------------------------------------------

-- 住院登记. inp_status '1' 在院 '2' 出院未结算 '3' 出院已结算
CREATE TABLE IF NOT EXISTS inpatient (
    inp_no         varchar(20)   COLLATE "C" NOT NULL,    -- 住院号
    patient_id     varchar(20)   COLLATE "C" NOT NULL,
    card_no        varchar(20)   COLLATE "C" NULL,
    admit_times    integer       NOT NULL DEFAULT (1),  -- 第几次住院
    admit_time     timestamp(0)  NOT NULL,
    discharge_time timestamp(0)  NULL,
    dept_code      varchar(10)   COLLATE "C" NOT NULL,
    ward_code      varchar(10)   COLLATE "C" NULL,
    bed_no         varchar(10)   COLLATE "C" NULL,
    doctor_code    varchar(10)   COLLATE "C" NULL,        -- 管床医生
    diag_code      varchar(20)   COLLATE "C" NULL,
    diag_name      varchar(100)  COLLATE "C" NULL,
    inp_status     char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_inpatient PRIMARY KEY (inp_no),
    CONSTRAINT fk_inpatient_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_inpatient_card FOREIGN KEY (card_no) REFERENCES card (card_no),
    CONSTRAINT fk_inpatient_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_inpatient_ward FOREIGN KEY (ward_code) REFERENCES ward_dict (ward_code),
    CONSTRAINT fk_inpatient_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code)
);
CREATE INDEX IF NOT EXISTS ix_inpatient_patient ON inpatient (patient_id);
-- the stays in hospital (the 16.3 push reads them once a day)
CREATE INDEX IF NOT EXISTS ix_inpatient_status ON inpatient (inp_status);

-- 预交金. status '1' 有效 '0' 已退/作废
CREATE TABLE IF NOT EXISTS inp_prepay (
    prepay_id     integer       GENERATED BY DEFAULT AS IDENTITY,
    inp_no        varchar(20)   COLLATE "C" NOT NULL,
    amount        numeric(12,2) NOT NULL,
    pay_way       varchar(10)   COLLATE "C" NOT NULL,     -- 现金/银行卡/微信/支付宝
    trade_no      varchar(64)   COLLATE "C" NULL,         -- platform order for online prepayments
    receipt_no    varchar(30)   COLLATE "C" NULL,         -- 预交金收据号
    pay_time      timestamp(0)  NOT NULL,
    operator      varchar(20)   COLLATE "C" NULL,
    status        char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    CONSTRAINT pk_inp_prepay PRIMARY KEY (prepay_id),
    CONSTRAINT fk_inp_prepay_inpatient FOREIGN KEY (inp_no) REFERENCES inpatient (inp_no)
);
CREATE INDEX IF NOT EXISTS ix_prepay_inp ON inp_prepay (inp_no);
-- prepayments in the order they were paid (the 16.3 push polls it)
CREATE INDEX IF NOT EXISTS ix_prepay_time ON inp_prepay (pay_time, inp_no);

-- 住院费用明细 (记账). fee_class: 床位费 护理费 诊查费 西药费 检查费 检验费 治疗费 材料费
CREATE TABLE IF NOT EXISTS inp_fee_detail (
    fee_id        integer       GENERATED BY DEFAULT AS IDENTITY,
    inp_no        varchar(20)   COLLATE "C" NOT NULL,
    fee_date      date          NOT NULL,     -- 费用日期
    charge_time   timestamp(0)  NOT NULL,     -- 记账时间
    item_code     varchar(20)   COLLATE "C" NOT NULL,
    item_name     varchar(100)  COLLATE "C" NOT NULL,
    fee_class     varchar(10)   COLLATE "C" NOT NULL,
    spec          varchar(50)   COLLATE "C" NULL,
    unit          varchar(10)   COLLATE "C" NULL,
    price         numeric(12,2) NOT NULL,
    qty           numeric(10,2) NOT NULL,
    amount        numeric(12,2) NOT NULL,
    order_doctor  varchar(10)   COLLATE "C" NULL,
    exec_dept     varchar(10)   COLLATE "C" NULL,
    CONSTRAINT pk_inp_fee_detail PRIMARY KEY (fee_id),
    CONSTRAINT fk_inp_fee_detail_inpatient FOREIGN KEY (inp_no) REFERENCES inpatient (inp_no),
    CONSTRAINT fk_inp_fee_detail_doctor FOREIGN KEY (order_doctor) REFERENCES doctor_dict (doctor_code),
    CONSTRAINT fk_inp_fee_detail_dept FOREIGN KEY (exec_dept) REFERENCES dept_dict (dept_code)
);
CREATE INDEX IF NOT EXISTS ix_inp_fee ON inp_fee_detail (inp_no, fee_date);
-- the 16.3 / 16.4 pushes: charges in the order they were booked, and the
-- day's total per stay read from the index alone
CREATE INDEX IF NOT EXISTS ix_inp_fee_charge ON inp_fee_detail (charge_time, inp_no);
CREATE INDEX IF NOT EXISTS ix_inp_fee_day ON inp_fee_detail (fee_date, inp_no) INCLUDE (amount);

------------------------------------------------------------------------------
-- 一卡通 stored-value card accounts
------------------------------------------------------------------------------

-- status '0' 正常 '1' 冻结. balance is numeric(19,4): T-SQL's money (4
-- decimal places, exact), as the 一卡通 module of many HIS keeps it.
CREATE TABLE IF NOT EXISTS ecard_account (
    card_no       varchar(20)   COLLATE "C" NOT NULL,
    patient_id    varchar(20)   COLLATE "C" NOT NULL,
    balance       numeric(19,4) NOT NULL DEFAULT (0),
    status        char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    open_time     timestamp(0)  NOT NULL,
    update_time   timestamp(0)  NULL,
    CONSTRAINT pk_ecard_account PRIMARY KEY (card_no),
    CONSTRAINT fk_ecard_account_card FOREIGN KEY (card_no) REFERENCES card (card_no),
    CONSTRAINT fk_ecard_account_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id)
);

-- 一卡通流水. txn_type '1' 充值 '2' 消费 '3' 退款
CREATE TABLE IF NOT EXISTS ecard_txn (
    txn_id        integer       GENERATED BY DEFAULT AS IDENTITY,
    card_no       varchar(20)   COLLATE "C" NOT NULL,
    txn_type      char(1)       COLLATE "C" NOT NULL,
    amount        numeric(19,4) NOT NULL,
    balance_after numeric(19,4) NOT NULL,
    pay_way       varchar(10)   COLLATE "C" NULL,
    trade_no      varchar(64)   COLLATE "C" NULL,
    txn_time      timestamp(0)  NOT NULL,
    remark        varchar(50)   COLLATE "C" NULL,
    CONSTRAINT pk_ecard_txn PRIMARY KEY (txn_id),
    CONSTRAINT fk_ecard_txn_account FOREIGN KEY (card_no) REFERENCES ecard_account (card_no)
);

------------------------------------------------------------------------------
-- 分诊排队 triage queue
------------------------------------------------------------------------------

-- The triage system's live table: the current day's queue only (the triage
-- system archives it at night). It keeps its own copy of name and card.
-- doctor_code NULL = the department's shared queue (普通门诊).
-- status '0' 候诊 '1' 就诊中 '2' 已就诊 '3' 过号
-- A queue number is unique per day, department and doctor's queue (the
-- shared queue counting as one): COALESCE(doctor_code, ''), as SQLite does.
CREATE TABLE IF NOT EXISTS queue_list (
    queue_id      integer       GENERATED BY DEFAULT AS IDENTITY,
    queue_date    date          NOT NULL,
    dept_code     varchar(10)   COLLATE "C" NOT NULL,
    doctor_code   varchar(10)   COLLATE "C" NULL,
    queue_no      integer       NOT NULL,
    patient_name  varchar(20)   COLLATE "C" NOT NULL,
    card_no       varchar(20)   COLLATE "C" NULL,
    patient_id    varchar(20)   COLLATE "C" NULL,
    register_id   varchar(20)   COLLATE "C" NULL,
    status        char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    sign_time     timestamp(0)  NOT NULL,     -- 签到时间
    call_time     timestamp(0)  NULL,
    CONSTRAINT pk_queue_list PRIMARY KEY (queue_id),
    CONSTRAINT fk_queue_list_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_queue_list_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_queue_no
    ON queue_list (queue_date, dept_code, (COALESCE(doctor_code, '')), queue_no);

------------------------------------------------------------------------------
-- 收费 payments (all channels) and sequences
------------------------------------------------------------------------------

-- 收费流水: one row per payment or refund of any business.
-- biz_type '1' 挂号 '2' 门诊缴费 '3' 住院预交 '4' 一卡通充值
-- channel '0' 收款 '1' 退款
CREATE TABLE IF NOT EXISTS pay_ledger (
    his_pay_id    varchar(30)   COLLATE "C" NOT NULL,
    biz_type      char(1)       COLLATE "C" NOT NULL,
    biz_no        varchar(100)  COLLATE "C" NULL,         -- register_id / rx_no list / inp_no / card_no
    patient_id    varchar(20)   COLLATE "C" NULL,
    amount        numeric(12,2) NOT NULL,
    pay_way       varchar(10)   COLLATE "C" NOT NULL,     -- 现金 / 微信 / 支付宝 / 一卡通 ...
    pay_type      varchar(20)   COLLATE "C" NULL,         -- platform payType for online payments
    trade_no      varchar(64)   COLLATE "C" NULL,         -- platform order number, NULL at the window
    channel       char(1)       COLLATE "C" NOT NULL DEFAULT ('0'),
    refund_id     varchar(30)   COLLATE "C" NULL,         -- HIS refund number (channel '1')
    invoice_no    varchar(30)   COLLATE "C" NULL,
    payed_time    timestamp(0)  NOT NULL,     -- 记账时间
    operator      varchar(20)   COLLATE "C" NULL,
    CONSTRAINT pk_pay_ledger PRIMARY KEY (his_pay_id),
    CONSTRAINT fk_pay_ledger_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id)
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
    print_id      integer       GENERATED BY DEFAULT AS IDENTITY,
    invoice_no    varchar(30)   COLLATE "C" NOT NULL,
    his_pay_id    varchar(30)   COLLATE "C" NOT NULL,
    print_type    char(1)       COLLATE "C" NOT NULL DEFAULT ('1'),
    print_time    timestamp(0)  NOT NULL,
    print_place   varchar(50)   COLLATE "C" NULL,         -- '门诊一楼收费处2号窗口' / '自助机ZZJ-05'
    operator      varchar(20)   COLLATE "C" NULL,         -- 收费员, or the machine's account
    CONSTRAINT pk_invoice_print_log PRIMARY KEY (print_id),
    CONSTRAINT fk_invoice_print_pay FOREIGN KEY (his_pay_id) REFERENCES pay_ledger (his_pay_id)
);
CREATE INDEX IF NOT EXISTS ix_invoice_print_no ON invoice_print_log (invoice_no);

-- 序列 (the HIS's substitute for database sequences)
CREATE TABLE IF NOT EXISTS sys_sequence (
    seq_name      varchar(30)   COLLATE "C" NOT NULL,
    cur_val       bigint        NOT NULL,
    CONSTRAINT pk_sys_sequence PRIMARY KEY (seq_name)
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
    event_id      bigint        GENERATED BY DEFAULT AS IDENTITY,
    event_type    varchar(30)   COLLATE "C" NOT NULL,     -- 'ReplacePatientCard' / 'getMedicalSuccess' / 'printInvoiceSuccess'
    ref_id        varchar(40)   COLLATE "C" NOT NULL,
    patient_id    varchar(20)   COLLATE "C" NULL,
    card_no       varchar(20)   COLLATE "C" NULL,         -- 换卡: the new (physical) card
    trade_no      varchar(64)   COLLATE "C" NULL,         -- the platform order of the payment concerned
    amount        numeric(12,2) NULL,         -- 发票金额
    place         varchar(50)   COLLATE "C" NULL,         -- 取药窗口 / 打印地点
    operator      varchar(20)   COLLATE "C" NULL,
    event_time    timestamp(0)  NOT NULL,     -- when it happened in the HIS
    created_at    timestamp(0)  NOT NULL DEFAULT (date_trunc('second', localtimestamp)),
    CONSTRAINT pk_his_event PRIMARY KEY (event_id)
);
CREATE INDEX IF NOT EXISTS ix_his_event_type ON his_event (event_type, event_id);
CREATE INDEX IF NOT EXISTS ix_his_event_ref ON his_event (event_type, ref_id);

-- The triggers: row triggers, as in SQLite, each firing after its row is
-- written (the trigger functions are replaced and the triggers dropped and
-- created again, so running this script again leaves them as written here).

-- 虚拟卡换实体卡: a physical card (就诊卡 '1' or 一卡通 '3') issued to a
-- patient who holds a virtual card ('4') in use replaces it. The virtual
-- card is left as it is; a later physical card does not replace it again.
CREATE OR REPLACE FUNCTION tr_card_replace_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO his_event (event_type, ref_id, patient_id, card_no, event_time)
    SELECT 'ReplacePatientCard', v.card_no, NEW.patient_id, NEW.card_no, NEW.issue_time
    FROM card v
    WHERE v.patient_id = NEW.patient_id
      AND v.card_type = '4'
      AND v.status = '0'
      AND NOT EXISTS (SELECT 1 FROM his_event e
                      WHERE e.event_type = 'ReplacePatientCard' AND e.ref_id = v.card_no)
    ORDER BY v.card_no;
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS tr_card_replace_event ON card;
CREATE TRIGGER tr_card_replace_event
AFTER INSERT ON card
FOR EACH ROW
WHEN (NEW.card_type IN ('1', '3') AND NEW.status = '0')
EXECUTE PROCEDURE tr_card_replace_event();

-- 取药: a prescription handed out whose payment was a platform order
-- (pay_ledger.trade_no); window payments are not the platform's business.
CREATE OR REPLACE FUNCTION tr_rx_dispense_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO his_event (event_type, ref_id, patient_id, trade_no, place, operator, event_time)
    SELECT 'getMedicalSuccess', m.rx_no, m.patient_id, l.trade_no, NEW.window_no, NEW.operator, NEW.dispense_time
    FROM rx_master m
    JOIN pay_ledger l ON l.his_pay_id = m.pay_id
    WHERE m.rx_no = NEW.rx_no
      AND l.trade_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM his_event e
                      WHERE e.event_type = 'getMedicalSuccess' AND e.ref_id = m.rx_no);
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS tr_rx_dispense_event ON rx_dispense;
CREATE TRIGGER tr_rx_dispense_event
AFTER INSERT ON rx_dispense
FOR EACH ROW
WHEN (NEW.status = '1')
EXECUTE PROCEDURE tr_rx_dispense_event();

-- 发票打印: the first print of the invoice of a platform payment.
CREATE OR REPLACE FUNCTION tr_invoice_print_event() RETURNS trigger
LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS tr_invoice_print_event ON invoice_print_log;
CREATE TRIGGER tr_invoice_print_event
AFTER INSERT ON invoice_print_log
FOR EACH ROW
WHEN (NEW.print_type = '1')
EXECUTE PROCEDURE tr_invoice_print_event();

-- 停诊: a session stopped by an UPDATE that does not set stop_time gets the
-- time of the update, whole seconds (the 16.9 push orders stops by it). A
-- BEFORE trigger: it sets the row being written.
CREATE OR REPLACE FUNCTION tr_schedule_stop_time() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.stop_time := date_trunc('second', localtimestamp);
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS tr_schedule_stop_time ON schedule;
CREATE TRIGGER tr_schedule_stop_time
BEFORE UPDATE OF status ON schedule
FOR EACH ROW
WHEN (NEW.status = '0' AND OLD.status <> '0' AND NEW.stop_time IS NOT DISTINCT FROM OLD.stop_time)
EXECUTE PROCEDURE tr_schedule_stop_time();

------------------------------------------------------------------------------
-- 演示库元数据: the demo's own bookkeeping, not part of the HIS
------------------------------------------------------------------------------

-- key 'as_of': the day the demo data describes ('YYYY-MM-DD' text). seed.sql
-- sets it to the day the database is created; when the gateway starts on a
-- later day, roll.sql moves every date of the hospital forward by the days
-- elapsed and sets it to today. (KEY is not reserved in PostgreSQL.)
CREATE TABLE IF NOT EXISTS demo_meta (
    key           varchar(30)   COLLATE "C" NOT NULL,
    value         varchar(100)  COLLATE "C" NOT NULL,
    CONSTRAINT pk_demo_meta PRIMARY KEY (key)
);
