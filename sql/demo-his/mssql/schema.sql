-- 睿博演示医院 HIS 数据库 (SQL Server 2008 R2 - 2019, T-SQL)
--
-- The same legacy-style HIS as sql/demo-his/sqlite/schema.sql: the same
-- tables, columns, keys and codes, with the types a SQL Server HIS of that
-- era uses. Nothing here is shaped like the Ruibo interface; the mappings
-- under mappings/demo (the *.mssql.sql overrides where SQLite and T-SQL
-- differ) translate it.
--
-- Conventions of this HIS:
--   * money      decimal(12,2) (the 一卡通 account keeps its balance in the
--                money type, as many HIS do); exact in both cases
--   * dates      date; date-times datetime (local time, whole seconds)
--   * time points varchar(5) 'HH:MM', roster hours varchar(11) 'HH:MM-HH:MM'
--   * flags      char(1) '1' / '0'
--   * codes, ids, card numbers and other ASCII keys: varchar. Parameters
--     compared with them can be bound as varchar (no implicit conversion of
--     the column). Each mapping lists its varchar parameters.
--   * the patient's name (patient.name, queue_list.patient_name) and the
--     department name are varchar COLLATE Chinese_PRC_CI_AS (code page 936,
--     GBK), as in most Chinese HIS; other Chinese text is nvarchar.
--
-- Run as a script split on lines holding only GO (sqlcmd style), once, when
-- the database is created (init_scripts). Every object is created only when
-- missing (the triggers are dropped and created again), so running it again
-- is harmless. Written for SQL Server 2008 R2 (filtered indexes,
-- date/datetime, no DROP ... IF EXISTS, no CREATE OR ALTER).
--
-- Filtered indexes (ux_queue_doctor_no, ux_queue_dept_no, ux_pay_trade)
-- require the session options ANSI_NULLS, ANSI_PADDING, ANSI_WARNINGS,
-- ARITHABORT, CONCAT_NULL_YIELDS_NULL and QUOTED_IDENTIFIER ON (and
-- NUMERIC_ROUNDABORT OFF) for every INSERT/UPDATE/DELETE on those tables:
-- the defaults of ODBC, OLE DB, .NET and tiberius connections.

SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO

------------------------------------------------------------------------------
-- 字典 dictionaries
------------------------------------------------------------------------------

-- 科室字典: two levels (dept_level '1' = 一级科室, '2' = 二级科室).
-- dept_type: '门诊' clinical outpatient, '住院' ward-only, '医技' lab/imaging/pharmacy.
IF OBJECT_ID(N'dbo.dept_dict', N'U') IS NULL
CREATE TABLE dbo.dept_dict (
    dept_code    varchar(10)   NOT NULL,      -- codes of several generations: '001', 'd0001', '100001' ...
    dept_name    varchar(50)   COLLATE Chinese_PRC_CI_AS NOT NULL,
    parent_code  varchar(10)   NULL,
    dept_level   char(1)       NOT NULL CONSTRAINT df_dept_dict_level DEFAULT ('2'),
    dept_type    nvarchar(10)  NOT NULL CONSTRAINT df_dept_dict_type DEFAULT (N'门诊'),
    py_code      varchar(20)   NULL,          -- 拼音首字母, used by the HIS search boxes
    location     nvarchar(100) NULL,          -- 科室位置
    logo_url     varchar(200)  NULL,
    intro        nvarchar(500) NULL,          -- 科室介绍
    feature      nvarchar(200) NULL,          -- 科室特色
    sort_no      int           NOT NULL CONSTRAINT df_dept_dict_sort DEFAULT (0),
    valid_flag   char(1)       NOT NULL CONSTRAINT df_dept_dict_valid DEFAULT ('1'),
    CONSTRAINT pk_dept_dict PRIMARY KEY (dept_code),
    CONSTRAINT fk_dept_dict_parent FOREIGN KEY (parent_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT ck_dept_dict_level CHECK (dept_level IN ('1', '2'))
);
GO

-- 职称字典 (GB/T 8561 codes: 231 主任医师 ... 234 医师)
IF OBJECT_ID(N'dbo.title_dict', N'U') IS NULL
CREATE TABLE dbo.title_dict (
    title_code   varchar(10)   NOT NULL,
    title_name   nvarchar(20)  NOT NULL,
    CONSTRAINT pk_title_dict PRIMARY KEY (title_code)
);
GO

-- 医生字典
IF OBJECT_ID(N'dbo.doctor_dict', N'U') IS NULL
CREATE TABLE dbo.doctor_dict (
    doctor_code    varchar(10)   NOT NULL,
    doctor_name    nvarchar(20)  NOT NULL,
    sex            char(1)       NULL,        -- '1' 男 '2' 女
    dept_code      varchar(10)   NOT NULL,    -- 所属科室
    title_code     varchar(10)   NULL,        -- 临床职称
    academic_title nvarchar(20)  NULL,        -- 学术职称 (教授/副教授/讲师), NULL if none
    specialty      nvarchar(200) NULL,        -- 擅长
    intro          nvarchar(500) NULL,        -- 简介
    photo_url      varchar(200)  NULL,
    expert_flag    char(1)       NOT NULL CONSTRAINT df_doctor_dict_expert DEFAULT ('0'),  -- '1' 可开专家号
    valid_flag     char(1)       NOT NULL CONSTRAINT df_doctor_dict_valid DEFAULT ('1'),
    CONSTRAINT pk_doctor_dict PRIMARY KEY (doctor_code),
    CONSTRAINT fk_doctor_dict_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_doctor_dict_title FOREIGN KEY (title_code) REFERENCES dbo.title_dict (title_code)
);
GO

-- 病区字典
IF OBJECT_ID(N'dbo.ward_dict', N'U') IS NULL
CREATE TABLE dbo.ward_dict (
    ward_code    varchar(10)   NOT NULL,
    ward_name    nvarchar(50)  NOT NULL,
    dept_code    varchar(10)   NULL,
    campus       nvarchar(20)  NULL,          -- 院区
    CONSTRAINT pk_ward_dict PRIMARY KEY (ward_code),
    CONSTRAINT fk_ward_dict_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code)
);
GO

------------------------------------------------------------------------------
-- 排班 outpatient roster
------------------------------------------------------------------------------

-- 排班模板: the weekly roster. Sessions (schedule) are generated from it for
-- each day; week_days lists the weekdays it runs on, '1' = Monday .. '7' = Sunday.
-- doctor_code is NULL for a 普通门诊 session without a named doctor.
IF OBJECT_ID(N'dbo.schedule_tpl', N'U') IS NULL
CREATE TABLE dbo.schedule_tpl (
    tpl_id         int           NOT NULL,
    dept_code      varchar(10)   NOT NULL,
    doctor_code    varchar(10)   NULL,
    ampm           nvarchar(2)   NOT NULL,
    clinic_type    nvarchar(10)  NOT NULL,
    week_days      varchar(7)    NOT NULL CONSTRAINT df_schedule_tpl_week DEFAULT ('1234567'),
    time_quantum   varchar(11)   NOT NULL,    -- '08:00-12:00'
    nums_per_point int           NOT NULL,    -- 每个时间点放号数
    reg_fee        decimal(12,2) NOT NULL,    -- 挂号费(含诊查费), yuan
    valid_flag     char(1)       NOT NULL CONSTRAINT df_schedule_tpl_valid DEFAULT ('1'),
    CONSTRAINT pk_schedule_tpl PRIMARY KEY (tpl_id),
    CONSTRAINT fk_schedule_tpl_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_schedule_tpl_doctor FOREIGN KEY (doctor_code) REFERENCES dbo.doctor_dict (doctor_code),
    CONSTRAINT ck_schedule_tpl_ampm CHECK (ampm IN (N'上午', N'下午')),
    CONSTRAINT ck_schedule_tpl_type CHECK (clinic_type IN (N'普通门诊', N'专家门诊'))
);
GO

-- 号源时间点模板: the time points of a morning / afternoon session.
IF OBJECT_ID(N'dbo.time_point_dict', N'U') IS NULL
CREATE TABLE dbo.time_point_dict (
    ampm         nvarchar(2)   NOT NULL,
    point_no     int           NOT NULL,      -- 号序 within the session
    visit_time   varchar(5)    NOT NULL,      -- 'HH:MM'
    CONSTRAINT pk_time_point_dict PRIMARY KEY (ampm, point_no)
);
GO

-- 排班 (门诊出诊): one session of one roster line on one day.
-- Natural key: (tpl_id, clinic_date). status '1' 正常 / '0' 停诊.
-- stop_time is when it was stopped: an UPDATE that stops a session without
-- setting it gets the time of the update (trigger tr_schedule_stop_time).
-- Slot counts live in schedule_slot; the session's 总号源/剩余号源 are their sums.
IF OBJECT_ID(N'dbo.schedule', N'U') IS NULL
CREATE TABLE dbo.schedule (
    schedule_id  varchar(20)   NOT NULL,      -- 'PB' + yyyymmdd + tpl_id, or a legacy id such as 'r001'
    tpl_id       int           NOT NULL,
    clinic_date  date          NOT NULL,
    ampm         nvarchar(2)   NOT NULL,
    dept_code    varchar(10)   NOT NULL,
    doctor_code  varchar(10)   NULL,
    clinic_type  nvarchar(10)  NOT NULL,
    time_quantum varchar(11)   NOT NULL,
    reg_fee      decimal(12,2) NOT NULL,
    status       char(1)       NOT NULL CONSTRAINT df_schedule_status DEFAULT ('1'),
    stop_reason  nvarchar(100) NULL,
    stop_time    datetime      NULL,
    create_time  datetime      NOT NULL,
    CONSTRAINT pk_schedule PRIMARY KEY (schedule_id),
    CONSTRAINT uq_schedule_tpl_date UNIQUE (tpl_id, clinic_date),
    CONSTRAINT fk_schedule_tpl FOREIGN KEY (tpl_id) REFERENCES dbo.schedule_tpl (tpl_id),
    CONSTRAINT fk_schedule_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_schedule_doctor FOREIGN KEY (doctor_code) REFERENCES dbo.doctor_dict (doctor_code),
    CONSTRAINT ck_schedule_status CHECK (status IN ('0', '1'))
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_schedule_date' AND object_id = OBJECT_ID(N'dbo.schedule'))
    CREATE INDEX ix_schedule_date ON dbo.schedule (clinic_date, dept_code);
GO
-- 停诊 in the order they were made (the 16.9 push polls it)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_schedule_stop' AND object_id = OBJECT_ID(N'dbo.schedule'))
    CREATE INDEX ix_schedule_stop ON dbo.schedule (status, stop_time);
GO

-- 号源 (排班时间点): slots of a session per time point.
-- A booking takes one: UPDATE ... SET used_num = used_num + 1 WHERE used_num < total_num.
IF OBJECT_ID(N'dbo.schedule_slot', N'U') IS NULL
CREATE TABLE dbo.schedule_slot (
    slot_id      int IDENTITY(1,1) NOT NULL,  -- 号源编号
    schedule_id  varchar(20)   NOT NULL,
    point_no     int           NOT NULL,      -- 号序
    visit_time   varchar(5)    NOT NULL,      -- 'HH:MM'
    total_num    int           NOT NULL,
    used_num     int           NOT NULL CONSTRAINT df_schedule_slot_used DEFAULT (0),
    CONSTRAINT pk_schedule_slot PRIMARY KEY (slot_id),
    CONSTRAINT uq_schedule_slot_point UNIQUE (schedule_id, point_no),
    CONSTRAINT fk_schedule_slot_schedule FOREIGN KEY (schedule_id) REFERENCES dbo.schedule (schedule_id),
    CONSTRAINT ck_schedule_slot_used CHECK (used_num >= 0 AND used_num <= total_num)
);
GO

------------------------------------------------------------------------------
-- 病人 patients and cards
------------------------------------------------------------------------------

-- 病人主索引. patient_id is the HIS 病人ID (病历号), numeric text from sys_sequence.
IF OBJECT_ID(N'dbo.patient', N'U') IS NULL
CREATE TABLE dbo.patient (
    patient_id   varchar(20)   NOT NULL,
    name         varchar(20)   COLLATE Chinese_PRC_CI_AS NOT NULL,
    sex          char(1)       NOT NULL,      -- GB/T 2261.1: '1' 男 '2' 女 '0' 未知
    birth_date   date          NULL,
    id_type      varchar(2)    NOT NULL CONSTRAINT df_patient_id_type DEFAULT ('01'),  -- '01' 居民身份证
    id_no        varchar(20)   NULL,
    phone        varchar(20)   NULL,
    address      nvarchar(100) NULL,
    create_time  datetime      NOT NULL,
    valid_flag   char(1)       NOT NULL CONSTRAINT df_patient_valid DEFAULT ('1'),
    CONSTRAINT pk_patient PRIMARY KEY (patient_id)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_patient_id_no' AND object_id = OBJECT_ID(N'dbo.patient'))
    CREATE INDEX ix_patient_id_no ON dbo.patient (id_no);
GO

-- 卡: one patient may hold several cards.
-- card_type '1' 就诊卡 '2' 电子健康卡 '3' 一卡通(储值卡) '4' 虚拟卡
-- status '0' 正常 '1' 挂失 '2' 注销
IF OBJECT_ID(N'dbo.card', N'U') IS NULL
CREATE TABLE dbo.card (
    card_no      varchar(20)   NOT NULL,
    patient_id   varchar(20)   NOT NULL,
    card_type    char(1)       NOT NULL CONSTRAINT df_card_type DEFAULT ('1'),
    status       char(1)       NOT NULL CONSTRAINT df_card_status DEFAULT ('0'),
    issue_time   datetime      NOT NULL,
    status_time  datetime      NULL,
    CONSTRAINT pk_card PRIMARY KEY (card_no),
    CONSTRAINT fk_card_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_card_patient' AND object_id = OBJECT_ID(N'dbo.card'))
    CREATE INDEX ix_card_patient ON dbo.card (patient_id);
GO

------------------------------------------------------------------------------
-- 门诊 outpatient
------------------------------------------------------------------------------

-- 挂号 (also 预约: reg_type '2').
-- status '0' 锁号待支付 '1' 已挂号(已支付) '9' 已退号
-- visit_status '0' 未就诊 '1' 已就诊
-- reg_way '1' 窗口 '2' 自助机 '3' 互联网(睿博)
-- clinic_no is unique where present (a filtered index: SQL Server's UNIQUE
-- constraint would allow one NULL only, SQLite's UNIQUE allows many).
IF OBJECT_ID(N'dbo.outp_register', N'U') IS NULL
CREATE TABLE dbo.outp_register (
    register_id   varchar(20)   NOT NULL,     -- 'GH' + yyyymmdd + seq
    clinic_no     varchar(20)   NULL,         -- 门诊就诊号
    patient_id    varchar(20)   NOT NULL,
    card_no       varchar(20)   NULL,
    schedule_id   varchar(20)   NULL,
    slot_id       int           NULL,
    dept_code     varchar(10)   NOT NULL,
    doctor_code   varchar(10)   NULL,
    clinic_type   nvarchar(10)  NOT NULL,
    visit_date    date          NOT NULL,     -- 就诊日期
    ampm          nvarchar(2)   NOT NULL,
    visit_time    varchar(5)    NULL,         -- 时间点 'HH:MM'
    reg_fee       decimal(12,2) NOT NULL,
    reg_type      char(1)       NOT NULL CONSTRAINT df_outp_register_type DEFAULT ('1'),  -- '1' 当日挂号 '2' 预约
    reg_way       char(1)       NOT NULL CONSTRAINT df_outp_register_way DEFAULT ('1'),
    status        char(1)       NOT NULL CONSTRAINT df_outp_register_status DEFAULT ('1'),
    visit_status  char(1)       NOT NULL CONSTRAINT df_outp_register_visit DEFAULT ('0'),
    queue_no      int           NULL,         -- 候诊序号
    trade_no      varchar(64)   NULL,         -- platform order (internet registrations)
    invoice_no    varchar(30)   NULL,
    reg_time      datetime      NOT NULL,     -- 挂号时间
    see_time      datetime      NULL,         -- 接诊时间
    cancel_time   datetime      NULL,
    CONSTRAINT pk_outp_register PRIMARY KEY (register_id),
    CONSTRAINT fk_outp_register_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id),
    CONSTRAINT fk_outp_register_card FOREIGN KEY (card_no) REFERENCES dbo.card (card_no),
    CONSTRAINT fk_outp_register_schedule FOREIGN KEY (schedule_id) REFERENCES dbo.schedule (schedule_id),
    CONSTRAINT fk_outp_register_slot FOREIGN KEY (slot_id) REFERENCES dbo.schedule_slot (slot_id),
    CONSTRAINT fk_outp_register_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_outp_register_doctor FOREIGN KEY (doctor_code) REFERENCES dbo.doctor_dict (doctor_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_register_clinic_no' AND object_id = OBJECT_ID(N'dbo.outp_register'))
    CREATE UNIQUE INDEX ux_register_clinic_no ON dbo.outp_register (clinic_no) WHERE clinic_no IS NOT NULL;
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_register_patient' AND object_id = OBJECT_ID(N'dbo.outp_register'))
    CREATE INDEX ix_register_patient ON dbo.outp_register (patient_id, visit_date);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_register_date' AND object_id = OBJECT_ID(N'dbo.outp_register'))
    CREATE INDEX ix_register_date ON dbo.outp_register (visit_date);
GO
-- 接诊 in the order they happened (the 16.5 push polls it)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_register_seen' AND object_id = OBJECT_ID(N'dbo.outp_register'))
    CREATE INDEX ix_register_seen ON dbo.outp_register (visit_status, see_time);
GO

-- 处方/申请单 主表 (drugs, exams, lab tests: everything the clinic charges).
-- rx_type '1' 西药 '2' 中成药 '3' 检查 '4' 检验 '5' 治疗
-- charge_status '0' 未收费 '1' 已收费 '2' 已退费 '9' 作废
IF OBJECT_ID(N'dbo.rx_master', N'U') IS NULL
CREATE TABLE dbo.rx_master (
    rx_no         varchar(20)   NOT NULL,     -- 处方号
    register_id   varchar(20)   NOT NULL,
    patient_id    varchar(20)   NOT NULL,
    dept_code     varchar(10)   NOT NULL,     -- 开方科室
    doctor_code   varchar(10)   NOT NULL,     -- 开方医生
    rx_type       char(1)       NOT NULL,
    diag_code     varchar(20)   NULL,         -- ICD-10
    diag_name     nvarchar(100) NULL,
    create_time   datetime      NOT NULL,     -- 开方时间
    charge_status char(1)       NOT NULL CONSTRAINT df_rx_master_charge DEFAULT ('0'),
    charge_time   datetime      NULL,
    invoice_no    varchar(30)   NULL,
    pay_id        varchar(30)   NULL,         -- pay_ledger.his_pay_id once paid
    CONSTRAINT pk_rx_master PRIMARY KEY (rx_no),
    CONSTRAINT fk_rx_master_register FOREIGN KEY (register_id) REFERENCES dbo.outp_register (register_id),
    CONSTRAINT fk_rx_master_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id),
    CONSTRAINT fk_rx_master_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_rx_master_doctor FOREIGN KEY (doctor_code) REFERENCES dbo.doctor_dict (doctor_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_rx_patient' AND object_id = OBJECT_ID(N'dbo.rx_master'))
    CREATE INDEX ix_rx_patient ON dbo.rx_master (patient_id, charge_status);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_rx_register' AND object_id = OBJECT_ID(N'dbo.rx_master'))
    CREATE INDEX ix_rx_register ON dbo.rx_master (register_id);
GO
-- prescriptions in the order they were written (the 16.2 / 16.8 pushes poll it)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_rx_create' AND object_id = OBJECT_ID(N'dbo.rx_master'))
    CREATE INDEX ix_rx_create ON dbo.rx_master (create_time);
GO

-- 处方明细
IF OBJECT_ID(N'dbo.rx_detail', N'U') IS NULL
CREATE TABLE dbo.rx_detail (
    rx_no         varchar(20)   NOT NULL,
    line_no       int           NOT NULL,
    item_code     varchar(20)   NOT NULL,
    item_name     nvarchar(100) NOT NULL,
    spec          nvarchar(50)  NULL,         -- 规格
    unit          nvarchar(10)  NULL,         -- 单位
    price         decimal(12,2) NOT NULL,
    qty           decimal(10,2) NOT NULL,
    amount        decimal(12,2) NOT NULL,     -- price * qty
    route_name    nvarchar(20)  NULL,         -- 用法: 口服/外用 (drugs only)
    freq_name     nvarchar(20)  NULL,         -- 频次: 每日三次 (drugs only)
    dose          nvarchar(20)  NULL,         -- 单次用量 (drugs only)
    dose_unit     nvarchar(10)  NULL,
    days          int           NULL,
    exec_dept     varchar(10)   NULL,
    CONSTRAINT pk_rx_detail PRIMARY KEY (rx_no, line_no),
    CONSTRAINT fk_rx_detail_master FOREIGN KEY (rx_no) REFERENCES dbo.rx_master (rx_no),
    CONSTRAINT fk_rx_detail_exec_dept FOREIGN KEY (exec_dept) REFERENCES dbo.dept_dict (dept_code)
);
GO

-- 发药记录 (药房): one row per prescription handed out at a pharmacy window,
-- or taken back. status '1' 已发药 '0' 已退药. Inserting a '1' row raises the
-- 取药 event of a prescription paid on the platform (trigger tr_rx_dispense_event).
IF OBJECT_ID(N'dbo.rx_dispense', N'U') IS NULL
CREATE TABLE dbo.rx_dispense (
    dispense_id   int IDENTITY(1,1) NOT NULL,
    rx_no         varchar(20)   NOT NULL,
    window_no     nvarchar(30)  NULL,         -- 取药窗口: N'西药房3号窗口'
    dispense_time datetime      NOT NULL,     -- 发药时间
    operator      nvarchar(20)  NULL,         -- 发药药师
    status        char(1)       NOT NULL CONSTRAINT df_rx_dispense_status DEFAULT ('1'),
    CONSTRAINT pk_rx_dispense PRIMARY KEY (dispense_id),
    CONSTRAINT fk_rx_dispense_master FOREIGN KEY (rx_no) REFERENCES dbo.rx_master (rx_no)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_dispense_rx' AND object_id = OBJECT_ID(N'dbo.rx_dispense'))
    CREATE INDEX ix_dispense_rx ON dbo.rx_dispense (rx_no);
GO

------------------------------------------------------------------------------
-- 检验 LIS / 检查 PACS (the two systems keep separate id spaces)
------------------------------------------------------------------------------

-- 检验报告. source_type '1' 门诊 '2' 住院; status '0' 已申请 '1' 已采样 '2' 已审核(出报告)
IF OBJECT_ID(N'dbo.lis_report', N'U') IS NULL
CREATE TABLE dbo.lis_report (
    report_id     varchar(32)   NOT NULL,
    patient_id    varchar(20)   NOT NULL,
    source_type   char(1)       NOT NULL,
    register_id   varchar(20)   NULL,         -- 门诊
    inp_no        varchar(20)   NULL,         -- 住院
    apply_dept    varchar(10)   NULL,
    apply_doctor  varchar(10)   NULL,
    diag_code     varchar(20)   NULL,
    diag_name     nvarchar(100) NULL,
    group_name    nvarchar(50)  NOT NULL,     -- 检验组合: 血常规 ...
    sample_type   nvarchar(20)  NOT NULL,     -- 标本: 全血/血清
    sample_time   datetime      NOT NULL,     -- 采样时间
    report_time   datetime      NULL,         -- 审核时间
    status        char(1)       NOT NULL CONSTRAINT df_lis_report_status DEFAULT ('0'),
    auditor       nvarchar(20)  NULL,
    CONSTRAINT pk_lis_report PRIMARY KEY (report_id),
    CONSTRAINT fk_lis_report_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id),
    CONSTRAINT fk_lis_report_register FOREIGN KEY (register_id) REFERENCES dbo.outp_register (register_id),
    CONSTRAINT fk_lis_report_dept FOREIGN KEY (apply_dept) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_lis_report_doctor FOREIGN KEY (apply_doctor) REFERENCES dbo.doctor_dict (doctor_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_lis_patient' AND object_id = OBJECT_ID(N'dbo.lis_report'))
    CREATE INDEX ix_lis_patient ON dbo.lis_report (patient_id, sample_time);
GO
-- audited reports in the order they were signed (the 16.6 push polls it)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_lis_signed' AND object_id = OBJECT_ID(N'dbo.lis_report'))
    CREATE INDEX ix_lis_signed ON dbo.lis_report (status, report_time);
GO

-- 检验结果. abnormal_flag 'H' 偏高 'L' 偏低 'N' 正常 'P' 阳性
IF OBJECT_ID(N'dbo.lis_result', N'U') IS NULL
CREATE TABLE dbo.lis_result (
    report_id     varchar(32)   NOT NULL,
    seq           int           NOT NULL,
    item_code     varchar(20)   NOT NULL,
    item_name     nvarchar(50)  NOT NULL,
    result_value  nvarchar(50)  NULL,
    unit          nvarchar(20)  NULL,
    ref_range     nvarchar(50)  NULL,
    abnormal_flag char(1)       NOT NULL CONSTRAINT df_lis_result_flag DEFAULT ('N'),
    CONSTRAINT pk_lis_result PRIMARY KEY (report_id, seq),
    CONSTRAINT fk_lis_result_report FOREIGN KEY (report_id) REFERENCES dbo.lis_report (report_id)
);
GO

-- 检查报告 (放射/超声/病理). status '0' 已登记 '1' 已检查 '2' 已审核
IF OBJECT_ID(N'dbo.pacs_report', N'U') IS NULL
CREATE TABLE dbo.pacs_report (
    report_id     varchar(32)    NOT NULL,
    patient_id    varchar(20)    NOT NULL,
    source_type   char(1)        NOT NULL,    -- '1' 门诊 '2' 住院
    register_id   varchar(20)    NULL,
    inp_no        varchar(20)    NULL,
    apply_dept    varchar(10)    NULL,
    apply_doctor  varchar(10)    NULL,
    diag_code     varchar(20)    NULL,
    diag_name     nvarchar(100)  NULL,
    exam_class    nvarchar(20)   NOT NULL,    -- CT / DR / 超声 / 病理
    exam_item     nvarchar(50)   NOT NULL,    -- 胸部CT平扫
    exam_time     datetime       NOT NULL,
    report_time   datetime       NULL,
    findings      nvarchar(2000) NULL,        -- 检查所见
    impression    nvarchar(1000) NULL,        -- 诊断意见
    image_url     varchar(200)   NULL,
    status        char(1)        NOT NULL CONSTRAINT df_pacs_report_status DEFAULT ('0'),
    reporter      nvarchar(20)   NULL,
    CONSTRAINT pk_pacs_report PRIMARY KEY (report_id),
    CONSTRAINT fk_pacs_report_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id),
    CONSTRAINT fk_pacs_report_register FOREIGN KEY (register_id) REFERENCES dbo.outp_register (register_id),
    CONSTRAINT fk_pacs_report_dept FOREIGN KEY (apply_dept) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_pacs_report_doctor FOREIGN KEY (apply_doctor) REFERENCES dbo.doctor_dict (doctor_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_pacs_patient' AND object_id = OBJECT_ID(N'dbo.pacs_report'))
    CREATE INDEX ix_pacs_patient ON dbo.pacs_report (patient_id, exam_time);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_pacs_signed' AND object_id = OBJECT_ID(N'dbo.pacs_report'))
    CREATE INDEX ix_pacs_signed ON dbo.pacs_report (status, report_time);
GO

------------------------------------------------------------------------------
-- 住院 inpatient
------------------------------------------------------------------------------

-- 住院登记. inp_status '1' 在院 '2' 出院未结算 '3' 出院已结算
IF OBJECT_ID(N'dbo.inpatient', N'U') IS NULL
CREATE TABLE dbo.inpatient (
    inp_no         varchar(20)   NOT NULL,    -- 住院号
    patient_id     varchar(20)   NOT NULL,
    card_no        varchar(20)   NULL,
    admit_times    int           NOT NULL CONSTRAINT df_inpatient_times DEFAULT (1),  -- 第几次住院
    admit_time     datetime      NOT NULL,
    discharge_time datetime      NULL,
    dept_code      varchar(10)   NOT NULL,
    ward_code      varchar(10)   NULL,
    bed_no         varchar(10)   NULL,
    doctor_code    varchar(10)   NULL,        -- 管床医生
    diag_code      varchar(20)   NULL,
    diag_name      nvarchar(100) NULL,
    inp_status     char(1)       NOT NULL CONSTRAINT df_inpatient_status DEFAULT ('1'),
    CONSTRAINT pk_inpatient PRIMARY KEY (inp_no),
    CONSTRAINT fk_inpatient_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id),
    CONSTRAINT fk_inpatient_card FOREIGN KEY (card_no) REFERENCES dbo.card (card_no),
    CONSTRAINT fk_inpatient_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_inpatient_ward FOREIGN KEY (ward_code) REFERENCES dbo.ward_dict (ward_code),
    CONSTRAINT fk_inpatient_doctor FOREIGN KEY (doctor_code) REFERENCES dbo.doctor_dict (doctor_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_inpatient_patient' AND object_id = OBJECT_ID(N'dbo.inpatient'))
    CREATE INDEX ix_inpatient_patient ON dbo.inpatient (patient_id);
GO
-- the stays in hospital (the 16.3 push reads them once a day)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_inpatient_status' AND object_id = OBJECT_ID(N'dbo.inpatient'))
    CREATE INDEX ix_inpatient_status ON dbo.inpatient (inp_status);
GO

-- 预交金. status '1' 有效 '0' 已退/作废
IF OBJECT_ID(N'dbo.inp_prepay', N'U') IS NULL
CREATE TABLE dbo.inp_prepay (
    prepay_id     int IDENTITY(1,1) NOT NULL,
    inp_no        varchar(20)   NOT NULL,
    amount        decimal(12,2) NOT NULL,
    pay_way       nvarchar(10)  NOT NULL,     -- 现金/银行卡/微信/支付宝
    trade_no      varchar(64)   NULL,         -- platform order for online prepayments
    receipt_no    varchar(30)   NULL,         -- 预交金收据号
    pay_time      datetime      NOT NULL,
    operator      nvarchar(20)  NULL,
    status        char(1)       NOT NULL CONSTRAINT df_inp_prepay_status DEFAULT ('1'),
    CONSTRAINT pk_inp_prepay PRIMARY KEY (prepay_id),
    CONSTRAINT fk_inp_prepay_inpatient FOREIGN KEY (inp_no) REFERENCES dbo.inpatient (inp_no)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_prepay_inp' AND object_id = OBJECT_ID(N'dbo.inp_prepay'))
    CREATE INDEX ix_prepay_inp ON dbo.inp_prepay (inp_no);
GO
-- prepayments in the order they were paid (the 16.3 push polls it)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_prepay_time' AND object_id = OBJECT_ID(N'dbo.inp_prepay'))
    CREATE INDEX ix_prepay_time ON dbo.inp_prepay (pay_time, inp_no);
GO

-- 住院费用明细 (记账). fee_class: 床位费 护理费 诊查费 西药费 检查费 检验费 治疗费 材料费
IF OBJECT_ID(N'dbo.inp_fee_detail', N'U') IS NULL
CREATE TABLE dbo.inp_fee_detail (
    fee_id        int IDENTITY(1,1) NOT NULL,
    inp_no        varchar(20)   NOT NULL,
    fee_date      date          NOT NULL,     -- 费用日期
    charge_time   datetime      NOT NULL,     -- 记账时间
    item_code     varchar(20)   NOT NULL,
    item_name     nvarchar(100) NOT NULL,
    fee_class     nvarchar(10)  NOT NULL,
    spec          nvarchar(50)  NULL,
    unit          nvarchar(10)  NULL,
    price         decimal(12,2) NOT NULL,
    qty           decimal(10,2) NOT NULL,
    amount        decimal(12,2) NOT NULL,
    order_doctor  varchar(10)   NULL,
    exec_dept     varchar(10)   NULL,
    CONSTRAINT pk_inp_fee_detail PRIMARY KEY (fee_id),
    CONSTRAINT fk_inp_fee_detail_inpatient FOREIGN KEY (inp_no) REFERENCES dbo.inpatient (inp_no),
    CONSTRAINT fk_inp_fee_detail_doctor FOREIGN KEY (order_doctor) REFERENCES dbo.doctor_dict (doctor_code),
    CONSTRAINT fk_inp_fee_detail_dept FOREIGN KEY (exec_dept) REFERENCES dbo.dept_dict (dept_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_inp_fee' AND object_id = OBJECT_ID(N'dbo.inp_fee_detail'))
    CREATE INDEX ix_inp_fee ON dbo.inp_fee_detail (inp_no, fee_date);
GO
-- the 16.3 / 16.4 pushes: charges in the order they were booked, and the
-- day's total per stay read from the index alone
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_inp_fee_charge' AND object_id = OBJECT_ID(N'dbo.inp_fee_detail'))
    CREATE INDEX ix_inp_fee_charge ON dbo.inp_fee_detail (charge_time, inp_no);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_inp_fee_day' AND object_id = OBJECT_ID(N'dbo.inp_fee_detail'))
    CREATE INDEX ix_inp_fee_day ON dbo.inp_fee_detail (fee_date, inp_no) INCLUDE (amount);
GO

------------------------------------------------------------------------------
-- 一卡通 stored-value card accounts
------------------------------------------------------------------------------

-- status '0' 正常 '1' 冻结. balance is the money type (4 decimal places,
-- exact), as the 一卡通 module of many HIS keeps it.
IF OBJECT_ID(N'dbo.ecard_account', N'U') IS NULL
CREATE TABLE dbo.ecard_account (
    card_no       varchar(20)   NOT NULL,
    patient_id    varchar(20)   NOT NULL,
    balance       money         NOT NULL CONSTRAINT df_ecard_account_balance DEFAULT (0),
    status        char(1)       NOT NULL CONSTRAINT df_ecard_account_status DEFAULT ('0'),
    open_time     datetime      NOT NULL,
    update_time   datetime      NULL,
    CONSTRAINT pk_ecard_account PRIMARY KEY (card_no),
    CONSTRAINT fk_ecard_account_card FOREIGN KEY (card_no) REFERENCES dbo.card (card_no),
    CONSTRAINT fk_ecard_account_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id)
);
GO

-- 一卡通流水. txn_type '1' 充值 '2' 消费 '3' 退款
IF OBJECT_ID(N'dbo.ecard_txn', N'U') IS NULL
CREATE TABLE dbo.ecard_txn (
    txn_id        int IDENTITY(1,1) NOT NULL,
    card_no       varchar(20)   NOT NULL,
    txn_type      char(1)       NOT NULL,
    amount        money         NOT NULL,
    balance_after money         NOT NULL,
    pay_way       nvarchar(10)  NULL,
    trade_no      varchar(64)   NULL,
    txn_time      datetime      NOT NULL,
    remark        nvarchar(50)  NULL,
    CONSTRAINT pk_ecard_txn PRIMARY KEY (txn_id),
    CONSTRAINT fk_ecard_txn_account FOREIGN KEY (card_no) REFERENCES dbo.ecard_account (card_no)
);
GO

------------------------------------------------------------------------------
-- 分诊排队 triage queue
------------------------------------------------------------------------------

-- The triage system's live table: the current day's queue only (the triage
-- system archives it at night). It keeps its own copy of name and card.
-- doctor_code NULL = the department's shared queue (普通门诊).
-- status '0' 候诊 '1' 就诊中 '2' 已就诊 '3' 过号
-- A queue number is unique per day, department and doctor's queue (the
-- shared queue counting as one): SQLite indexes IFNULL(doctor_code, ''),
-- here two filtered unique indexes say the same.
IF OBJECT_ID(N'dbo.queue_list', N'U') IS NULL
CREATE TABLE dbo.queue_list (
    queue_id      int IDENTITY(1,1) NOT NULL,
    queue_date    date          NOT NULL,
    dept_code     varchar(10)   NOT NULL,
    doctor_code   varchar(10)   NULL,
    queue_no      int           NOT NULL,
    patient_name  varchar(20)   COLLATE Chinese_PRC_CI_AS NOT NULL,
    card_no       varchar(20)   NULL,
    patient_id    varchar(20)   NULL,
    register_id   varchar(20)   NULL,
    status        char(1)       NOT NULL CONSTRAINT df_queue_list_status DEFAULT ('0'),
    sign_time     datetime      NOT NULL,     -- 签到时间
    call_time     datetime      NULL,
    CONSTRAINT pk_queue_list PRIMARY KEY (queue_id),
    CONSTRAINT fk_queue_list_dept FOREIGN KEY (dept_code) REFERENCES dbo.dept_dict (dept_code),
    CONSTRAINT fk_queue_list_doctor FOREIGN KEY (doctor_code) REFERENCES dbo.doctor_dict (doctor_code)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_queue_doctor_no' AND object_id = OBJECT_ID(N'dbo.queue_list'))
    CREATE UNIQUE INDEX ux_queue_doctor_no ON dbo.queue_list (queue_date, dept_code, doctor_code, queue_no)
        WHERE doctor_code IS NOT NULL;
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_queue_dept_no' AND object_id = OBJECT_ID(N'dbo.queue_list'))
    CREATE UNIQUE INDEX ux_queue_dept_no ON dbo.queue_list (queue_date, dept_code, queue_no)
        WHERE doctor_code IS NULL;
GO

------------------------------------------------------------------------------
-- 收费 payments (all channels) and sequences
------------------------------------------------------------------------------

-- 收费流水: one row per payment or refund of any business.
-- biz_type '1' 挂号 '2' 门诊缴费 '3' 住院预交 '4' 一卡通充值
-- channel '0' 收款 '1' 退款
IF OBJECT_ID(N'dbo.pay_ledger', N'U') IS NULL
CREATE TABLE dbo.pay_ledger (
    his_pay_id    varchar(30)   NOT NULL,
    biz_type      char(1)       NOT NULL,
    biz_no        varchar(100)  NULL,         -- register_id / rx_no list / inp_no / card_no
    patient_id    varchar(20)   NULL,
    amount        decimal(12,2) NOT NULL,
    pay_way       nvarchar(10)  NOT NULL,     -- 现金 / 微信 / 支付宝 / 一卡通 ...
    pay_type      varchar(20)   NULL,         -- platform payType for online payments
    trade_no      varchar(64)   NULL,         -- platform order number, NULL at the window
    channel       char(1)       NOT NULL CONSTRAINT df_pay_ledger_channel DEFAULT ('0'),
    refund_id     varchar(30)   NULL,         -- HIS refund number (channel '1')
    invoice_no    varchar(30)   NULL,
    payed_time    datetime      NOT NULL,     -- 记账时间
    operator      nvarchar(20)  NULL,
    CONSTRAINT pk_pay_ledger PRIMARY KEY (his_pay_id),
    CONSTRAINT fk_pay_ledger_patient FOREIGN KEY (patient_id) REFERENCES dbo.patient (patient_id)
);
GO
-- a platform order is booked once
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ux_pay_trade' AND object_id = OBJECT_ID(N'dbo.pay_ledger'))
    CREATE UNIQUE INDEX ux_pay_trade ON dbo.pay_ledger (trade_no)
        WHERE trade_no IS NOT NULL AND channel = '0';
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_pay_time' AND object_id = OBJECT_ID(N'dbo.pay_ledger'))
    CREATE INDEX ix_pay_time ON dbo.pay_ledger (payed_time);
GO

-- 发票打印记录: every print of an invoice, at a window or a self-service
-- machine. print_type '1' 首次打印 '2' 重打/补打. The first print of the
-- invoice of a platform payment raises the 发票打印 event (trigger
-- tr_invoice_print_event).
IF OBJECT_ID(N'dbo.invoice_print_log', N'U') IS NULL
CREATE TABLE dbo.invoice_print_log (
    print_id      int IDENTITY(1,1) NOT NULL,
    invoice_no    varchar(30)   NOT NULL,
    his_pay_id    varchar(30)   NOT NULL,
    print_type    char(1)       NOT NULL CONSTRAINT df_invoice_print_type DEFAULT ('1'),
    print_time    datetime      NOT NULL,
    print_place   nvarchar(50)  NULL,         -- N'门诊一楼收费处2号窗口' / N'自助机ZZJ-05'
    operator      nvarchar(20)  NULL,         -- 收费员, or the machine's account
    CONSTRAINT pk_invoice_print_log PRIMARY KEY (print_id),
    CONSTRAINT fk_invoice_print_pay FOREIGN KEY (his_pay_id) REFERENCES dbo.pay_ledger (his_pay_id)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_invoice_print_no' AND object_id = OBJECT_ID(N'dbo.invoice_print_log'))
    CREATE INDEX ix_invoice_print_no ON dbo.invoice_print_log (invoice_no);
GO

-- 序列 (the HIS's substitute for database sequences)
IF OBJECT_ID(N'dbo.sys_sequence', N'U') IS NULL
CREATE TABLE dbo.sys_sequence (
    seq_name      varchar(30)   NOT NULL,
    cur_val       bigint        NOT NULL,
    CONSTRAINT pk_sys_sequence PRIMARY KEY (seq_name)
);
GO

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
IF OBJECT_ID(N'dbo.his_event', N'U') IS NULL
CREATE TABLE dbo.his_event (
    event_id      bigint IDENTITY(1,1) NOT NULL,
    event_type    varchar(30)   NOT NULL,     -- 'ReplacePatientCard' / 'getMedicalSuccess' / 'printInvoiceSuccess'
    ref_id        varchar(40)   NOT NULL,
    patient_id    varchar(20)   NULL,
    card_no       varchar(20)   NULL,         -- 换卡: the new (physical) card
    trade_no      varchar(64)   NULL,         -- the platform order of the payment concerned
    amount        decimal(12,2) NULL,         -- 发票金额
    place         nvarchar(50)  NULL,         -- 取药窗口 / 打印地点
    operator      nvarchar(20)  NULL,
    event_time    datetime      NOT NULL,     -- when it happened in the HIS
    created_at    datetime      NOT NULL CONSTRAINT df_his_event_created DEFAULT (GETDATE()),
    CONSTRAINT pk_his_event PRIMARY KEY (event_id)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_his_event_type' AND object_id = OBJECT_ID(N'dbo.his_event'))
    CREATE INDEX ix_his_event_type ON dbo.his_event (event_type, event_id);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_his_event_ref' AND object_id = OBJECT_ID(N'dbo.his_event'))
    CREATE INDEX ix_his_event_ref ON dbo.his_event (event_type, ref_id);
GO

-- The triggers. CREATE TRIGGER must start its batch and cannot follow an
-- IF, so each is dropped and created again: running this script again
-- leaves them as written here. Each starts with SET NOCOUNT ON (no extra
-- row counts reach the business statement's caller).

-- 虚拟卡换实体卡: a physical card (就诊卡 '1' or 一卡通 '3') issued to a
-- patient who holds a virtual card ('4') in use replaces it (by the first
-- physical card of the statement). The virtual card is left as it is; a
-- later physical card does not replace it again.
IF OBJECT_ID(N'dbo.tr_card_replace_event', N'TR') IS NOT NULL
    DROP TRIGGER dbo.tr_card_replace_event;
GO
CREATE TRIGGER dbo.tr_card_replace_event ON dbo.card AFTER INSERT AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO dbo.his_event (event_type, ref_id, patient_id, card_no, event_time)
    SELECT 'ReplacePatientCard', v.card_no, v.patient_id, n.card_no, n.issue_time
    FROM dbo.card v
    CROSS APPLY (SELECT TOP (1) i.card_no, i.issue_time
                 FROM inserted i
                 WHERE i.patient_id = v.patient_id
                   AND i.card_type IN ('1', '3')
                   AND i.status = '0'
                 ORDER BY i.issue_time, i.card_no) AS n
    WHERE v.patient_id IN (SELECT i.patient_id FROM inserted i)
      AND v.card_type = '4'
      AND v.status = '0'
      AND NOT EXISTS (SELECT 1 FROM dbo.his_event e
                      WHERE e.event_type = 'ReplacePatientCard' AND e.ref_id = v.card_no)
    ORDER BY n.issue_time, v.card_no;
END
GO

-- 取药: a prescription handed out whose payment was a platform order
-- (pay_ledger.trade_no); window payments are not the platform's business.
IF OBJECT_ID(N'dbo.tr_rx_dispense_event', N'TR') IS NOT NULL
    DROP TRIGGER dbo.tr_rx_dispense_event;
GO
CREATE TRIGGER dbo.tr_rx_dispense_event ON dbo.rx_dispense AFTER INSERT AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO dbo.his_event (event_type, ref_id, patient_id, trade_no, place, operator, event_time)
    SELECT 'getMedicalSuccess', m.rx_no, m.patient_id, l.trade_no, d.window_no, d.operator, d.dispense_time
    FROM (SELECT i.rx_no, MIN(i.dispense_id) AS dispense_id
          FROM inserted i
          WHERE i.status = '1'
          GROUP BY i.rx_no) AS f
    JOIN inserted d ON d.dispense_id = f.dispense_id
    JOIN dbo.rx_master m ON m.rx_no = d.rx_no
    JOIN dbo.pay_ledger l ON l.his_pay_id = m.pay_id
    WHERE l.trade_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dbo.his_event e
                      WHERE e.event_type = 'getMedicalSuccess' AND e.ref_id = m.rx_no)
    ORDER BY d.dispense_id;
END
GO

-- 发票打印: the first print of the invoice of a platform payment.
IF OBJECT_ID(N'dbo.tr_invoice_print_event', N'TR') IS NOT NULL
    DROP TRIGGER dbo.tr_invoice_print_event;
GO
CREATE TRIGGER dbo.tr_invoice_print_event ON dbo.invoice_print_log AFTER INSERT AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO dbo.his_event (event_type, ref_id, patient_id, trade_no, amount, place, operator, event_time)
    SELECT 'printInvoiceSuccess', d.invoice_no, l.patient_id, l.trade_no, l.amount,
           d.print_place, d.operator, d.print_time
    FROM (SELECT i.invoice_no, MIN(i.print_id) AS print_id
          FROM inserted i
          WHERE i.print_type = '1'
          GROUP BY i.invoice_no) AS f
    JOIN inserted d ON d.print_id = f.print_id
    JOIN dbo.pay_ledger l ON l.his_pay_id = d.his_pay_id
    WHERE l.channel = '0'
      AND l.trade_no IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dbo.his_event e
                      WHERE e.event_type = 'printInvoiceSuccess' AND e.ref_id = d.invoice_no)
    ORDER BY d.print_id;
END
GO

-- 停诊: a session stopped by an UPDATE that does not set stop_time gets the
-- time of the update, whole seconds (the 16.9 push orders stops by it).
IF OBJECT_ID(N'dbo.tr_schedule_stop_time', N'TR') IS NOT NULL
    DROP TRIGGER dbo.tr_schedule_stop_time;
GO
CREATE TRIGGER dbo.tr_schedule_stop_time ON dbo.schedule AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF NOT UPDATE(status) RETURN;
    UPDATE s
    SET stop_time = CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120)
    FROM dbo.schedule s
    JOIN inserted i ON i.schedule_id = s.schedule_id
    JOIN deleted d ON d.schedule_id = i.schedule_id
    WHERE i.status = '0'
      AND d.status <> '0'
      AND (i.stop_time = d.stop_time OR (i.stop_time IS NULL AND d.stop_time IS NULL));
END
GO

------------------------------------------------------------------------------
-- 演示库元数据: the demo's own bookkeeping, not part of the HIS
------------------------------------------------------------------------------

-- key 'as_of': the day the demo data describes ('yyyy-MM-dd' text). seed.sql
-- sets it to the day the database is created; when the gateway starts on a
-- later day, roll.sql moves every date of the hospital forward by the days
-- elapsed and sets it to today. (KEY is a reserved word in T-SQL: [key].)
IF OBJECT_ID(N'dbo.demo_meta', N'U') IS NULL
CREATE TABLE dbo.demo_meta (
    [key]         varchar(30)   NOT NULL,
    value         nvarchar(100) NOT NULL,
    CONSTRAINT pk_demo_meta PRIMARY KEY ([key])
);
GO
