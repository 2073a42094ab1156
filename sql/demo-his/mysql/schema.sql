-- 睿博演示医院 HIS 数据库 (MySQL 8 / MariaDB 10.11 and later, InnoDB)
--
-- The same legacy-style HIS as sql/demo-his/sqlite/schema.sql and
-- sql/demo-his/mssql/schema.sql: the same tables, columns, keys and codes,
-- with the types the T-SQL version uses. Nothing here is shaped like the
-- Ruibo interface; the mappings under mappings/demo (the *.mysql.sql
-- overrides where SQLite and MySQL differ) translate it.
--
-- Conventions of this HIS:
--   * money      decimal(12,2); the 一卡通 account keeps its amounts in
--                decimal(19,4), the range and scale of T-SQL's money type.
--                Exact in every case (never FLOAT/DOUBLE).
--   * dates      date; date-times datetime (local time, whole seconds)
--   * time points varchar(5) 'HH:MM', roster hours varchar(11) 'HH:MM-HH:MM'
--   * flags      char(1) '1' / '0'
--   * codes, ids, card numbers and Chinese text: varchar (T-SQL's nvarchar
--     and its GBK varchar are both varchar here).
--   * every table is InnoDB, DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin:
--     text compares and sorts byte by byte whatever the server's default
--     collation, as SQLite's BINARY collation and the T-SQL mappings'
--     COLLATE Latin1_General_BIN2 do ('D0017' before 'd0001', '上午' before
--     '下午', 'xn001' is not 'XN001'), so the mappings order rows as the
--     SQLite demo does. A parameter compared with a column takes the
--     column's collation.
--   * every table lives in the connection's database; the mappings do not
--     qualify table names.
--
-- Run once, when the database is created (hisgw sql --create-database), as
-- one batch of statements separated by ';' (no DELIMITER: each trigger is
-- one statement). Every table is created only when missing and the
-- triggers are dropped and created again, so running it again is harmless.
-- (A DDL statement commits in MySQL: this script is not one transaction.)
--
-- What differs from the T-SQL version, and why:
--   * indexes are declared inside CREATE TABLE (MySQL has no CREATE INDEX
--     IF NOT EXISTS);
--   * the filtered and expression unique indexes are unique keys on an
--     invisible generated column (SELECT * does not show it; nothing writes
--     it): the queue number is unique per day, department and
--     COALESCE(doctor_code, '') (queue_list.queue_doctor, as SQLite's index
--     on IFNULL(doctor_code, '')), a platform order is booked once
--     (pay_ledger.trade_key: trade_no of a payment, NULL for a refund; a
--     unique key allows many NULLs). clinic_no is a plain unique key (many
--     NULLs allowed, as in SQLite);
--   * the foreign keys that point at a session (schedule_slot and
--     outp_register -> schedule) are ON UPDATE CASCADE, for roll.sql, which
--     moves the sessions (their ids included) to their new days: InnoDB
--     checks a foreign key row by row and cannot defer it;
--   * the triggers are FOR EACH ROW, one statement each, the condition of
--     SQLite's WHEN in the statement's WHERE; the 停诊 trigger is a BEFORE
--     UPDATE trigger that sets the row being written (MySQL does not let a
--     trigger update its own table).
-- Creating a trigger needs the TRIGGER privilege (and, on MySQL with binary
-- logging, SUPER or log_bin_trust_function_creators = 1).

-- ---------------------------------------------------------------------------
-- 字典 dictionaries
-- ---------------------------------------------------------------------------

-- 科室字典: two levels (dept_level '1' = 一级科室, '2' = 二级科室).
-- dept_type: '门诊' clinical outpatient, '住院' ward-only, '医技' lab/imaging/pharmacy.
CREATE TABLE IF NOT EXISTS dept_dict (
    dept_code    varchar(10)   NOT NULL,      -- codes of several generations: '001', 'd0001', '100001' ...
    dept_name    varchar(50)   NOT NULL,
    parent_code  varchar(10)   NULL,
    dept_level   char(1)       NOT NULL DEFAULT '2',
    dept_type    varchar(10)   NOT NULL DEFAULT '门诊',
    py_code      varchar(20)   NULL,          -- 拼音首字母, used by the HIS search boxes
    location     varchar(100)  NULL,          -- 科室位置
    logo_url     varchar(200)  NULL,
    intro        varchar(500)  NULL,          -- 科室介绍
    feature      varchar(200)  NULL,          -- 科室特色
    sort_no      int           NOT NULL DEFAULT 0,
    valid_flag   char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_dept_dict PRIMARY KEY (dept_code),
    CONSTRAINT fk_dept_dict_parent FOREIGN KEY (parent_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT ck_dept_dict_level CHECK (dept_level IN ('1', '2'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 职称字典 (GB/T 8561 codes: 231 主任医师 ... 234 医师)
CREATE TABLE IF NOT EXISTS title_dict (
    title_code   varchar(10)   NOT NULL,
    title_name   varchar(20)   NOT NULL,
    CONSTRAINT pk_title_dict PRIMARY KEY (title_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 医生字典
CREATE TABLE IF NOT EXISTS doctor_dict (
    doctor_code    varchar(10)   NOT NULL,
    doctor_name    varchar(20)   NOT NULL,
    sex            char(1)       NULL,        -- '1' 男 '2' 女
    dept_code      varchar(10)   NOT NULL,    -- 所属科室
    title_code     varchar(10)   NULL,        -- 临床职称
    academic_title varchar(20)   NULL,        -- 学术职称 (教授/副教授/讲师), NULL if none
    specialty      varchar(200)  NULL,        -- 擅长
    intro          varchar(500)  NULL,        -- 简介
    photo_url      varchar(200)  NULL,
    expert_flag    char(1)       NOT NULL DEFAULT '0',  -- '1' 可开专家号
    valid_flag     char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_doctor_dict PRIMARY KEY (doctor_code),
    CONSTRAINT fk_doctor_dict_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_doctor_dict_title FOREIGN KEY (title_code) REFERENCES title_dict (title_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 病区字典
CREATE TABLE IF NOT EXISTS ward_dict (
    ward_code    varchar(10)   NOT NULL,
    ward_name    varchar(50)   NOT NULL,
    dept_code    varchar(10)   NULL,
    campus       varchar(20)   NULL,          -- 院区
    CONSTRAINT pk_ward_dict PRIMARY KEY (ward_code),
    CONSTRAINT fk_ward_dict_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 排班 outpatient roster
-- ---------------------------------------------------------------------------

-- 排班模板: the weekly roster. Sessions (schedule) are generated from it for
-- each day; week_days lists the weekdays it runs on, '1' = Monday .. '7' = Sunday.
-- doctor_code is NULL for a 普通门诊 session without a named doctor.
CREATE TABLE IF NOT EXISTS schedule_tpl (
    tpl_id         int           NOT NULL,
    dept_code      varchar(10)   NOT NULL,
    doctor_code    varchar(10)   NULL,
    ampm           varchar(2)    NOT NULL,
    clinic_type    varchar(10)   NOT NULL,
    week_days      varchar(7)    NOT NULL DEFAULT '1234567',
    time_quantum   varchar(11)   NOT NULL,    -- '08:00-12:00'
    nums_per_point int           NOT NULL,    -- 每个时间点放号数
    reg_fee        decimal(12,2) NOT NULL,    -- 挂号费(含诊查费), yuan
    valid_flag     char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_schedule_tpl PRIMARY KEY (tpl_id),
    CONSTRAINT fk_schedule_tpl_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_schedule_tpl_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    CONSTRAINT ck_schedule_tpl_ampm CHECK (ampm IN ('上午', '下午')),
    CONSTRAINT ck_schedule_tpl_type CHECK (clinic_type IN ('普通门诊', '专家门诊'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 号源时间点模板: the time points of a morning / afternoon session.
CREATE TABLE IF NOT EXISTS time_point_dict (
    ampm         varchar(2)    NOT NULL,
    point_no     int           NOT NULL,      -- 号序 within the session
    visit_time   varchar(5)    NOT NULL,      -- 'HH:MM'
    CONSTRAINT pk_time_point_dict PRIMARY KEY (ampm, point_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 排班 (门诊出诊): one session of one roster line on one day.
-- Natural key: (tpl_id, clinic_date). status '1' 正常 / '0' 停诊.
-- stop_time is when it was stopped: an UPDATE that stops a session without
-- setting it gets the time of the update (trigger tr_schedule_stop_time).
-- Slot counts live in schedule_slot; the session's 总号源/剩余号源 are their sums.
CREATE TABLE IF NOT EXISTS schedule (
    schedule_id  varchar(20)   NOT NULL,      -- 'PB' || yyyymmdd || tpl_id, or a legacy id such as 'r001'
    tpl_id       int           NOT NULL,
    clinic_date  date          NOT NULL,
    ampm         varchar(2)    NOT NULL,
    dept_code    varchar(10)   NOT NULL,
    doctor_code  varchar(10)   NULL,
    clinic_type  varchar(10)   NOT NULL,
    time_quantum varchar(11)   NOT NULL,
    reg_fee      decimal(12,2) NOT NULL,
    status       char(1)       NOT NULL DEFAULT '1',
    stop_reason  varchar(100)  NULL,
    stop_time    datetime      NULL,
    create_time  datetime      NOT NULL,
    CONSTRAINT pk_schedule PRIMARY KEY (schedule_id),
    CONSTRAINT uq_schedule_tpl_date UNIQUE (tpl_id, clinic_date),
    CONSTRAINT fk_schedule_tpl FOREIGN KEY (tpl_id) REFERENCES schedule_tpl (tpl_id),
    CONSTRAINT fk_schedule_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_schedule_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    CONSTRAINT ck_schedule_status CHECK (status IN ('0', '1')),
    KEY ix_schedule_date (clinic_date, dept_code),
    -- 停诊 in the order they were made (the 16.9 push polls it)
    KEY ix_schedule_stop (status, stop_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 号源 (排班时间点): slots of a session per time point.
-- A booking takes one: UPDATE ... SET used_num = used_num + 1 WHERE used_num < total_num.
CREATE TABLE IF NOT EXISTS schedule_slot (
    slot_id      int           NOT NULL AUTO_INCREMENT,  -- 号源编号
    schedule_id  varchar(20)   NOT NULL,
    point_no     int           NOT NULL,      -- 号序
    visit_time   varchar(5)    NOT NULL,      -- 'HH:MM'
    total_num    int           NOT NULL,
    used_num     int           NOT NULL DEFAULT 0,
    CONSTRAINT pk_schedule_slot PRIMARY KEY (slot_id),
    CONSTRAINT uq_schedule_slot_point UNIQUE (schedule_id, point_no),
    CONSTRAINT fk_schedule_slot_schedule FOREIGN KEY (schedule_id) REFERENCES schedule (schedule_id)
        ON UPDATE CASCADE,
    CONSTRAINT ck_schedule_slot_used CHECK (used_num >= 0 AND used_num <= total_num)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 病人 patients and cards
-- ---------------------------------------------------------------------------

-- 病人主索引. patient_id is the HIS 病人ID (病历号), numeric text from sys_sequence.
CREATE TABLE IF NOT EXISTS patient (
    patient_id   varchar(20)   NOT NULL,
    name         varchar(20)   NOT NULL,
    sex          char(1)       NOT NULL,      -- GB/T 2261.1: '1' 男 '2' 女 '0' 未知
    birth_date   date          NULL,
    id_type      varchar(2)    NOT NULL DEFAULT '01',  -- '01' 居民身份证
    id_no        varchar(20)   NULL,
    phone        varchar(20)   NULL,
    address      varchar(100)  NULL,
    create_time  datetime      NOT NULL,
    valid_flag   char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_patient PRIMARY KEY (patient_id),
    KEY ix_patient_id_no (id_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 卡: one patient may hold several cards.
-- card_type '1' 就诊卡 '2' 电子健康卡 '3' 一卡通(储值卡) '4' 虚拟卡
-- status '0' 正常 '1' 挂失 '2' 注销
CREATE TABLE IF NOT EXISTS card (
    card_no      varchar(20)   NOT NULL,
    patient_id   varchar(20)   NOT NULL,
    card_type    char(1)       NOT NULL DEFAULT '1',
    status       char(1)       NOT NULL DEFAULT '0',
    issue_time   datetime      NOT NULL,
    status_time  datetime      NULL,
    CONSTRAINT pk_card PRIMARY KEY (card_no),
    CONSTRAINT fk_card_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    KEY ix_card_patient (patient_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 门诊 outpatient
-- ---------------------------------------------------------------------------

-- 挂号 (also 预约: reg_type '2').
-- status '0' 锁号待支付 '1' 已挂号(已支付) '9' 已退号
-- visit_status '0' 未就诊 '1' 已就诊
-- reg_way '1' 窗口 '2' 自助机 '3' 互联网(睿博)
-- clinic_no is unique where present (a unique index allows many NULLs).
CREATE TABLE IF NOT EXISTS outp_register (
    register_id   varchar(20)   NOT NULL,     -- 'GH' || yyyymmdd || seq
    clinic_no     varchar(20)   NULL,         -- 门诊就诊号
    patient_id    varchar(20)   NOT NULL,
    card_no       varchar(20)   NULL,
    schedule_id   varchar(20)   NULL,
    slot_id       int           NULL,
    dept_code     varchar(10)   NOT NULL,
    doctor_code   varchar(10)   NULL,
    clinic_type   varchar(10)   NOT NULL,
    visit_date    date          NOT NULL,     -- 就诊日期
    ampm          varchar(2)    NOT NULL,
    visit_time    varchar(5)    NULL,         -- 时间点 'HH:MM'
    reg_fee       decimal(12,2) NOT NULL,
    reg_type      char(1)       NOT NULL DEFAULT '1',  -- '1' 当日挂号 '2' 预约
    reg_way       char(1)       NOT NULL DEFAULT '1',
    status        char(1)       NOT NULL DEFAULT '1',
    visit_status  char(1)       NOT NULL DEFAULT '0',
    queue_no      int           NULL,         -- 候诊序号
    trade_no      varchar(64)   NULL,         -- platform order (internet registrations)
    invoice_no    varchar(30)   NULL,
    reg_time      datetime      NOT NULL,     -- 挂号时间
    see_time      datetime      NULL,         -- 接诊时间
    cancel_time   datetime      NULL,
    CONSTRAINT pk_outp_register PRIMARY KEY (register_id),
    CONSTRAINT fk_outp_register_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_outp_register_card FOREIGN KEY (card_no) REFERENCES card (card_no),
    CONSTRAINT fk_outp_register_schedule FOREIGN KEY (schedule_id) REFERENCES schedule (schedule_id)
        ON UPDATE CASCADE,
    CONSTRAINT fk_outp_register_slot FOREIGN KEY (slot_id) REFERENCES schedule_slot (slot_id),
    CONSTRAINT fk_outp_register_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_outp_register_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    UNIQUE KEY ux_register_clinic_no (clinic_no),
    KEY ix_register_patient (patient_id, visit_date),
    KEY ix_register_date (visit_date),
    -- 接诊 in the order they happened (the 16.5 push polls it)
    KEY ix_register_seen (visit_status, see_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 处方/申请单 主表 (drugs, exams, lab tests: everything the clinic charges).
-- rx_type '1' 西药 '2' 中成药 '3' 检查 '4' 检验 '5' 治疗
-- charge_status '0' 未收费 '1' 已收费 '2' 已退费 '9' 作废
CREATE TABLE IF NOT EXISTS rx_master (
    rx_no         varchar(20)   NOT NULL,     -- 处方号
    register_id   varchar(20)   NOT NULL,
    patient_id    varchar(20)   NOT NULL,
    dept_code     varchar(10)   NOT NULL,     -- 开方科室
    doctor_code   varchar(10)   NOT NULL,     -- 开方医生
    rx_type       char(1)       NOT NULL,
    diag_code     varchar(20)   NULL,         -- ICD-10
    diag_name     varchar(100)  NULL,
    create_time   datetime      NOT NULL,     -- 开方时间
    charge_status char(1)       NOT NULL DEFAULT '0',
    charge_time   datetime      NULL,
    invoice_no    varchar(30)   NULL,
    pay_id        varchar(30)   NULL,         -- pay_ledger.his_pay_id once paid
    CONSTRAINT pk_rx_master PRIMARY KEY (rx_no),
    CONSTRAINT fk_rx_master_register FOREIGN KEY (register_id) REFERENCES outp_register (register_id),
    CONSTRAINT fk_rx_master_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_rx_master_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_rx_master_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    KEY ix_rx_patient (patient_id, charge_status),
    KEY ix_rx_register (register_id),
    -- prescriptions in the order they were written (the 16.2 / 16.8 pushes poll it)
    KEY ix_rx_create (create_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 处方明细
CREATE TABLE IF NOT EXISTS rx_detail (
    rx_no         varchar(20)   NOT NULL,
    line_no       int           NOT NULL,
    item_code     varchar(20)   NOT NULL,
    item_name     varchar(100)  NOT NULL,
    spec          varchar(50)   NULL,         -- 规格
    unit          varchar(10)   NULL,         -- 单位
    price         decimal(12,2) NOT NULL,
    qty           decimal(10,2) NOT NULL,
    amount        decimal(12,2) NOT NULL,     -- price * qty
    route_name    varchar(20)   NULL,         -- 用法: 口服/外用 (drugs only)
    freq_name     varchar(20)   NULL,         -- 频次: 每日三次 (drugs only)
    dose          varchar(20)   NULL,         -- 单次用量 (drugs only)
    dose_unit     varchar(10)   NULL,
    days          int           NULL,
    exec_dept     varchar(10)   NULL,
    CONSTRAINT pk_rx_detail PRIMARY KEY (rx_no, line_no),
    CONSTRAINT fk_rx_detail_master FOREIGN KEY (rx_no) REFERENCES rx_master (rx_no),
    CONSTRAINT fk_rx_detail_exec_dept FOREIGN KEY (exec_dept) REFERENCES dept_dict (dept_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 发药记录 (药房): one row per prescription handed out at a pharmacy window,
-- or taken back. status '1' 已发药 '0' 已退药. Inserting a '1' row raises the
-- 取药 event of a prescription paid on the platform (trigger tr_rx_dispense_event).
CREATE TABLE IF NOT EXISTS rx_dispense (
    dispense_id   int           NOT NULL AUTO_INCREMENT,
    rx_no         varchar(20)   NOT NULL,
    window_no     varchar(30)   NULL,         -- 取药窗口: '西药房3号窗口'
    dispense_time datetime      NOT NULL,     -- 发药时间
    operator      varchar(20)   NULL,         -- 发药药师
    status        char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_rx_dispense PRIMARY KEY (dispense_id),
    CONSTRAINT fk_rx_dispense_master FOREIGN KEY (rx_no) REFERENCES rx_master (rx_no),
    KEY ix_dispense_rx (rx_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 检验 LIS / 检查 PACS (the two systems keep separate id spaces)
-- ---------------------------------------------------------------------------

-- 检验报告. source_type '1' 门诊 '2' 住院; status '0' 已申请 '1' 已采样 '2' 已审核(出报告)
CREATE TABLE IF NOT EXISTS lis_report (
    report_id     varchar(32)   NOT NULL,
    patient_id    varchar(20)   NOT NULL,
    source_type   char(1)       NOT NULL,
    register_id   varchar(20)   NULL,         -- 门诊
    inp_no        varchar(20)   NULL,         -- 住院
    apply_dept    varchar(10)   NULL,
    apply_doctor  varchar(10)   NULL,
    diag_code     varchar(20)   NULL,
    diag_name     varchar(100)  NULL,
    group_name    varchar(50)   NOT NULL,     -- 检验组合: 血常规 ...
    sample_type   varchar(20)   NOT NULL,     -- 标本: 全血/血清
    sample_time   datetime      NOT NULL,     -- 采样时间
    report_time   datetime      NULL,         -- 审核时间
    status        char(1)       NOT NULL DEFAULT '0',
    auditor       varchar(20)   NULL,
    CONSTRAINT pk_lis_report PRIMARY KEY (report_id),
    CONSTRAINT fk_lis_report_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_lis_report_register FOREIGN KEY (register_id) REFERENCES outp_register (register_id),
    CONSTRAINT fk_lis_report_dept FOREIGN KEY (apply_dept) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_lis_report_doctor FOREIGN KEY (apply_doctor) REFERENCES doctor_dict (doctor_code),
    KEY ix_lis_patient (patient_id, sample_time),
    -- audited reports in the order they were signed (the 16.6 push polls it)
    KEY ix_lis_signed (status, report_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 检验结果. abnormal_flag 'H' 偏高 'L' 偏低 'N' 正常 'P' 阳性
CREATE TABLE IF NOT EXISTS lis_result (
    report_id     varchar(32)   NOT NULL,
    seq           int           NOT NULL,
    item_code     varchar(20)   NOT NULL,
    item_name     varchar(50)   NOT NULL,
    result_value  varchar(50)   NULL,
    unit          varchar(20)   NULL,
    ref_range     varchar(50)   NULL,
    abnormal_flag char(1)       NOT NULL DEFAULT 'N',
    CONSTRAINT pk_lis_result PRIMARY KEY (report_id, seq),
    CONSTRAINT fk_lis_result_report FOREIGN KEY (report_id) REFERENCES lis_report (report_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 检查报告 (放射/超声/病理). status '0' 已登记 '1' 已检查 '2' 已审核
CREATE TABLE IF NOT EXISTS pacs_report (
    report_id     varchar(32)    NOT NULL,
    patient_id    varchar(20)    NOT NULL,
    source_type   char(1)        NOT NULL,    -- '1' 门诊 '2' 住院
    register_id   varchar(20)    NULL,
    inp_no        varchar(20)    NULL,
    apply_dept    varchar(10)    NULL,
    apply_doctor  varchar(10)    NULL,
    diag_code     varchar(20)    NULL,
    diag_name     varchar(100)   NULL,
    exam_class    varchar(20)    NOT NULL,    -- CT / DR / 超声 / 病理
    exam_item     varchar(50)    NOT NULL,    -- 胸部CT平扫
    exam_time     datetime       NOT NULL,
    report_time   datetime       NULL,
    findings      varchar(2000)  NULL,        -- 检查所见
    impression    varchar(1000)  NULL,        -- 诊断意见
    image_url     varchar(200)   NULL,
    status        char(1)        NOT NULL DEFAULT '0',
    reporter      varchar(20)    NULL,
    CONSTRAINT pk_pacs_report PRIMARY KEY (report_id),
    CONSTRAINT fk_pacs_report_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_pacs_report_register FOREIGN KEY (register_id) REFERENCES outp_register (register_id),
    CONSTRAINT fk_pacs_report_dept FOREIGN KEY (apply_dept) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_pacs_report_doctor FOREIGN KEY (apply_doctor) REFERENCES doctor_dict (doctor_code),
    KEY ix_pacs_patient (patient_id, exam_time),
    KEY ix_pacs_signed (status, report_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 住院 inpatient
-- ---------------------------------------------------------------------------

-- 住院登记. inp_status '1' 在院 '2' 出院未结算 '3' 出院已结算
CREATE TABLE IF NOT EXISTS inpatient (
    inp_no         varchar(20)   NOT NULL,    -- 住院号
    patient_id     varchar(20)   NOT NULL,
    card_no        varchar(20)   NULL,
    admit_times    int           NOT NULL DEFAULT 1,  -- 第几次住院
    admit_time     datetime      NOT NULL,
    discharge_time datetime      NULL,
    dept_code      varchar(10)   NOT NULL,
    ward_code      varchar(10)   NULL,
    bed_no         varchar(10)   NULL,
    doctor_code    varchar(10)   NULL,        -- 管床医生
    diag_code      varchar(20)   NULL,
    diag_name      varchar(100)  NULL,
    inp_status     char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_inpatient PRIMARY KEY (inp_no),
    CONSTRAINT fk_inpatient_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    CONSTRAINT fk_inpatient_card FOREIGN KEY (card_no) REFERENCES card (card_no),
    CONSTRAINT fk_inpatient_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_inpatient_ward FOREIGN KEY (ward_code) REFERENCES ward_dict (ward_code),
    CONSTRAINT fk_inpatient_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    KEY ix_inpatient_patient (patient_id),
    -- the stays in hospital (the 16.3 push reads them once a day)
    KEY ix_inpatient_status (inp_status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 预交金. status '1' 有效 '0' 已退/作废
CREATE TABLE IF NOT EXISTS inp_prepay (
    prepay_id     int           NOT NULL AUTO_INCREMENT,
    inp_no        varchar(20)   NOT NULL,
    amount        decimal(12,2) NOT NULL,
    pay_way       varchar(10)   NOT NULL,     -- 现金/银行卡/微信/支付宝
    trade_no      varchar(64)   NULL,         -- platform order for online prepayments
    receipt_no    varchar(30)   NULL,         -- 预交金收据号
    pay_time      datetime      NOT NULL,
    operator      varchar(20)   NULL,
    status        char(1)       NOT NULL DEFAULT '1',
    CONSTRAINT pk_inp_prepay PRIMARY KEY (prepay_id),
    CONSTRAINT fk_inp_prepay_inpatient FOREIGN KEY (inp_no) REFERENCES inpatient (inp_no),
    KEY ix_prepay_inp (inp_no),
    -- prepayments in the order they were paid (the 16.3 push polls it)
    KEY ix_prepay_time (pay_time, inp_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 住院费用明细 (记账). fee_class: 床位费 护理费 诊查费 西药费 检查费 检验费 治疗费 材料费
CREATE TABLE IF NOT EXISTS inp_fee_detail (
    fee_id        int           NOT NULL AUTO_INCREMENT,
    inp_no        varchar(20)   NOT NULL,
    fee_date      date          NOT NULL,     -- 费用日期
    charge_time   datetime      NOT NULL,     -- 记账时间
    item_code     varchar(20)   NOT NULL,
    item_name     varchar(100)  NOT NULL,
    fee_class     varchar(10)   NOT NULL,
    spec          varchar(50)   NULL,
    unit          varchar(10)   NULL,
    price         decimal(12,2) NOT NULL,
    qty           decimal(10,2) NOT NULL,
    amount        decimal(12,2) NOT NULL,
    order_doctor  varchar(10)   NULL,
    exec_dept     varchar(10)   NULL,
    CONSTRAINT pk_inp_fee_detail PRIMARY KEY (fee_id),
    CONSTRAINT fk_inp_fee_detail_inpatient FOREIGN KEY (inp_no) REFERENCES inpatient (inp_no),
    CONSTRAINT fk_inp_fee_detail_doctor FOREIGN KEY (order_doctor) REFERENCES doctor_dict (doctor_code),
    CONSTRAINT fk_inp_fee_detail_dept FOREIGN KEY (exec_dept) REFERENCES dept_dict (dept_code),
    KEY ix_inp_fee (inp_no, fee_date),
    -- the 16.3 / 16.4 pushes: charges in the order they were booked, and the
    -- day's total per stay read from the index alone
    KEY ix_inp_fee_charge (charge_time, inp_no),
    KEY ix_inp_fee_day (fee_date, inp_no, amount)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 一卡通 stored-value card accounts
-- ---------------------------------------------------------------------------

-- status '0' 正常 '1' 冻结. balance is decimal(19,4): T-SQL's money (4
-- decimal places, exact), as the 一卡通 module of many HIS keeps it.
CREATE TABLE IF NOT EXISTS ecard_account (
    card_no       varchar(20)   NOT NULL,
    patient_id    varchar(20)   NOT NULL,
    balance       decimal(19,4) NOT NULL DEFAULT 0,
    status        char(1)       NOT NULL DEFAULT '0',
    open_time     datetime      NOT NULL,
    update_time   datetime      NULL,
    CONSTRAINT pk_ecard_account PRIMARY KEY (card_no),
    CONSTRAINT fk_ecard_account_card FOREIGN KEY (card_no) REFERENCES card (card_no),
    CONSTRAINT fk_ecard_account_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 一卡通流水. txn_type '1' 充值 '2' 消费 '3' 退款
CREATE TABLE IF NOT EXISTS ecard_txn (
    txn_id        int           NOT NULL AUTO_INCREMENT,
    card_no       varchar(20)   NOT NULL,
    txn_type      char(1)       NOT NULL,
    amount        decimal(19,4) NOT NULL,
    balance_after decimal(19,4) NOT NULL,
    pay_way       varchar(10)   NULL,
    trade_no      varchar(64)   NULL,
    txn_time      datetime      NOT NULL,
    remark        varchar(50)   NULL,
    CONSTRAINT pk_ecard_txn PRIMARY KEY (txn_id),
    CONSTRAINT fk_ecard_txn_account FOREIGN KEY (card_no) REFERENCES ecard_account (card_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 分诊排队 triage queue
-- ---------------------------------------------------------------------------

-- The triage system's live table: the current day's queue only (the triage
-- system archives it at night). It keeps its own copy of name and card.
-- doctor_code NULL = the department's shared queue (普通门诊).
-- status '0' 候诊 '1' 就诊中 '2' 已就诊 '3' 过号
-- A queue number is unique per day, department and doctor's queue (the
-- shared queue counting as one): the unique key holds the invisible
-- generated column queue_doctor = COALESCE(doctor_code, ''), as SQLite's
-- index holds IFNULL(doctor_code, '').
CREATE TABLE IF NOT EXISTS queue_list (
    queue_id      int           NOT NULL AUTO_INCREMENT,
    queue_date    date          NOT NULL,
    dept_code     varchar(10)   NOT NULL,
    doctor_code   varchar(10)   NULL,
    queue_no      int           NOT NULL,
    patient_name  varchar(20)   NOT NULL,
    card_no       varchar(20)   NULL,
    patient_id    varchar(20)   NULL,
    register_id   varchar(20)   NULL,
    status        char(1)       NOT NULL DEFAULT '0',
    sign_time     datetime      NOT NULL,     -- 签到时间
    call_time     datetime      NULL,
    queue_doctor  varchar(10)   GENERATED ALWAYS AS (COALESCE(doctor_code, '')) VIRTUAL INVISIBLE,
    CONSTRAINT pk_queue_list PRIMARY KEY (queue_id),
    CONSTRAINT fk_queue_list_dept FOREIGN KEY (dept_code) REFERENCES dept_dict (dept_code),
    CONSTRAINT fk_queue_list_doctor FOREIGN KEY (doctor_code) REFERENCES doctor_dict (doctor_code),
    UNIQUE KEY ux_queue_no (queue_date, dept_code, queue_doctor, queue_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 收费 payments (all channels) and sequences
-- ---------------------------------------------------------------------------

-- 收费流水: one row per payment or refund of any business.
-- biz_type '1' 挂号 '2' 门诊缴费 '3' 住院预交 '4' 一卡通充值
-- channel '0' 收款 '1' 退款
CREATE TABLE IF NOT EXISTS pay_ledger (
    his_pay_id    varchar(30)   NOT NULL,
    biz_type      char(1)       NOT NULL,
    biz_no        varchar(100)  NULL,         -- register_id / rx_no list / inp_no / card_no
    patient_id    varchar(20)   NULL,
    amount        decimal(12,2) NOT NULL,
    pay_way       varchar(10)   NOT NULL,     -- 现金 / 微信 / 支付宝 / 一卡通 ...
    pay_type      varchar(20)   NULL,         -- platform payType for online payments
    trade_no      varchar(64)   NULL,         -- platform order number, NULL at the window
    channel       char(1)       NOT NULL DEFAULT '0',
    refund_id     varchar(30)   NULL,         -- HIS refund number (channel '1')
    invoice_no    varchar(30)   NULL,
    payed_time    datetime      NOT NULL,     -- 记账时间
    operator      varchar(20)   NULL,
    trade_key     varchar(64)   GENERATED ALWAYS AS (CASE WHEN channel = '0' THEN trade_no END) VIRTUAL INVISIBLE,
    CONSTRAINT pk_pay_ledger PRIMARY KEY (his_pay_id),
    CONSTRAINT fk_pay_ledger_patient FOREIGN KEY (patient_id) REFERENCES patient (patient_id),
    -- a platform order is booked once (trade_key: the trade_no of a payment)
    UNIQUE KEY ux_pay_trade (trade_key),
    KEY ix_pay_time (payed_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 发票打印记录: every print of an invoice, at a window or a self-service
-- machine. print_type '1' 首次打印 '2' 重打/补打. The first print of the
-- invoice of a platform payment raises the 发票打印 event (trigger
-- tr_invoice_print_event).
CREATE TABLE IF NOT EXISTS invoice_print_log (
    print_id      int           NOT NULL AUTO_INCREMENT,
    invoice_no    varchar(30)   NOT NULL,
    his_pay_id    varchar(30)   NOT NULL,
    print_type    char(1)       NOT NULL DEFAULT '1',
    print_time    datetime      NOT NULL,
    print_place   varchar(50)   NULL,         -- '门诊一楼收费处2号窗口' / '自助机ZZJ-05'
    operator      varchar(20)   NULL,         -- 收费员, or the machine's account
    CONSTRAINT pk_invoice_print_log PRIMARY KEY (print_id),
    CONSTRAINT fk_invoice_print_pay FOREIGN KEY (his_pay_id) REFERENCES pay_ledger (his_pay_id),
    KEY ix_invoice_print_no (invoice_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- 序列 (the HIS's substitute for database sequences)
CREATE TABLE IF NOT EXISTS sys_sequence (
    seq_name      varchar(30)   NOT NULL,
    cur_val       bigint        NOT NULL,
    CONSTRAINT pk_sys_sequence PRIMARY KEY (seq_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ---------------------------------------------------------------------------
-- 事件 outbox: HIS events the gateway pushes to the platform
-- ---------------------------------------------------------------------------

-- One row per event, written by the triggers below in the transaction of
-- the business change that raised it, so an event exists exactly when its
-- change committed. The gateway reads it by event_id (mappings/demo/push:
-- ReplacePatientCard, getMedicalSuccess, printInvoiceSuccess) and never
-- writes it; rows may be purged once pushed.
-- event_type is the push it feeds; ref_id the business key it is about
-- (the replaced virtual card, the 处方号, the 发票号): one event per
-- (event_type, ref_id), the triggers check for an earlier one.
CREATE TABLE IF NOT EXISTS his_event (
    event_id      bigint        NOT NULL AUTO_INCREMENT,
    event_type    varchar(30)   NOT NULL,     -- 'ReplacePatientCard' / 'getMedicalSuccess' / 'printInvoiceSuccess'
    ref_id        varchar(40)   NOT NULL,
    patient_id    varchar(20)   NULL,
    card_no       varchar(20)   NULL,         -- 换卡: the new (physical) card
    trade_no      varchar(64)   NULL,         -- the platform order of the payment concerned
    amount        decimal(12,2) NULL,         -- 发票金额
    place         varchar(50)   NULL,         -- 取药窗口 / 打印地点
    operator      varchar(20)   NULL,
    event_time    datetime      NOT NULL,     -- when it happened in the HIS
    created_at    datetime      NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT pk_his_event PRIMARY KEY (event_id),
    KEY ix_his_event_type (event_type, event_id),
    KEY ix_his_event_ref (event_type, ref_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The triggers: row triggers, as in SQLite, each firing after its row is
-- written and each one statement (no BEGIN ... END, so the script needs no
-- DELIMITER). Each is dropped and created again, so running this script
-- again leaves them as written here.

-- 虚拟卡换实体卡: a physical card (就诊卡 '1' or 一卡通 '3') issued to a
-- patient who holds a virtual card ('4') in use replaces it. The virtual
-- card is left as it is; a later physical card does not replace it again.
DROP TRIGGER IF EXISTS tr_card_replace_event;
CREATE TRIGGER tr_card_replace_event
AFTER INSERT ON card
FOR EACH ROW
INSERT INTO his_event (event_type, ref_id, patient_id, card_no, event_time)
SELECT 'ReplacePatientCard', v.card_no, NEW.patient_id, NEW.card_no, NEW.issue_time
FROM card v
WHERE NEW.card_type IN ('1', '3')
  AND NEW.status = '0'
  AND v.patient_id = NEW.patient_id
  AND v.card_type = '4'
  AND v.status = '0'
  AND NOT EXISTS (SELECT 1 FROM his_event e
                  WHERE e.event_type = 'ReplacePatientCard' AND e.ref_id = v.card_no)
ORDER BY v.card_no;

-- 取药: a prescription handed out whose payment was a platform order
-- (pay_ledger.trade_no); window payments are not the platform's business.
DROP TRIGGER IF EXISTS tr_rx_dispense_event;
CREATE TRIGGER tr_rx_dispense_event
AFTER INSERT ON rx_dispense
FOR EACH ROW
INSERT INTO his_event (event_type, ref_id, patient_id, trade_no, place, operator, event_time)
SELECT 'getMedicalSuccess', m.rx_no, m.patient_id, l.trade_no, NEW.window_no, NEW.operator, NEW.dispense_time
FROM rx_master m
JOIN pay_ledger l ON l.his_pay_id = m.pay_id
WHERE NEW.status = '1'
  AND m.rx_no = NEW.rx_no
  AND l.trade_no IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM his_event e
                  WHERE e.event_type = 'getMedicalSuccess' AND e.ref_id = m.rx_no);

-- 发票打印: the first print of the invoice of a platform payment.
DROP TRIGGER IF EXISTS tr_invoice_print_event;
CREATE TRIGGER tr_invoice_print_event
AFTER INSERT ON invoice_print_log
FOR EACH ROW
INSERT INTO his_event (event_type, ref_id, patient_id, trade_no, amount, place, operator, event_time)
SELECT 'printInvoiceSuccess', NEW.invoice_no, l.patient_id, l.trade_no, l.amount,
       NEW.print_place, NEW.operator, NEW.print_time
FROM pay_ledger l
WHERE NEW.print_type = '1'
  AND l.his_pay_id = NEW.his_pay_id
  AND l.channel = '0'
  AND l.trade_no IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM his_event e
                  WHERE e.event_type = 'printInvoiceSuccess' AND e.ref_id = NEW.invoice_no);

-- 停诊: a session stopped by an UPDATE that does not set stop_time gets the
-- time of the update, whole seconds (the 16.9 push orders stops by it). A
-- BEFORE trigger: it sets the row being written (<=> is SQLite's IS).
DROP TRIGGER IF EXISTS tr_schedule_stop_time;
CREATE TRIGGER tr_schedule_stop_time
BEFORE UPDATE ON schedule
FOR EACH ROW
SET NEW.stop_time = CASE
        WHEN NEW.status = '0' AND OLD.status <> '0' AND NEW.stop_time <=> OLD.stop_time
            THEN CAST(NOW() AS datetime)
        ELSE NEW.stop_time
    END;

-- ---------------------------------------------------------------------------
-- 演示库元数据: the demo's own bookkeeping, not part of the HIS
-- ---------------------------------------------------------------------------

-- key 'as_of': the day the demo data describes ('YYYY-MM-DD' text). seed.sql
-- sets it to the day the database is created; when the gateway starts on a
-- later day, roll.sql moves every date of the hospital forward by the days
-- elapsed and sets it to today. (KEY is a reserved word in MySQL: `key`.)
CREATE TABLE IF NOT EXISTS demo_meta (
    `key`         varchar(30)   NOT NULL,
    value         varchar(100)  NOT NULL,
    CONSTRAINT pk_demo_meta PRIMARY KEY (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
