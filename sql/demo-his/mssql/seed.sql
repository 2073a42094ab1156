-- 睿博演示医院: seed data (T-SQL; run once, after schema.sql, when the
-- database is created). The same hospital as sql/demo-his/sqlite/seed.sql.
--
-- Every date is relative to the day the database is created, so the demo
-- always has sessions from today on, reports from the last month, and so on.
-- That day is recorded first, as demo_meta 'as_of'; every later batch reads
-- it back (so a load running past midnight stays on one day). roll.sql (run
-- at every start) moves every date forward when the database is reused on a
-- later day and keeps the roster window topped up. For that to work:
--   * a date that describes demo time is written relative to as_of and lies
--     within a year before it (today the oldest is 90 days);
--   * fixed history (建档 / 发卡 / 开户 in 2009-2024) is written as literals
--     more than a year old: roll.sql leaves such values where they are;
--   * birth dates are facts about the person (and part of the 身份证号):
--     never moved.
--
-- Conventions of this script:
--   * @today is the as_of day (date), @day the number of days from
--     1900-01-01 to it, so DATEADD(day, @day - 21, CAST('10:20:36' AS datetime))
--     is "21 days ago at 10:20:36" (a datetime, whole seconds);
--   * date-time literals are ISO 8601 with a T ('2009-06-02T10:15:32'), the
--     one form SQL Server reads the same under every SET LANGUAGE/DATEFORMAT;
--   * weekdays are counted from 1900-01-01, a Monday:
--     DATEDIFF(day, '19000101', d) % 7 + 1 is 1 = Monday .. 7 = Sunday,
--     whatever SET DATEFIRST says;
--   * rows of IDENTITY tables are inserted with INSERT ... SELECT ... ORDER BY,
--     so their ids are the ones the SQLite demo gives them;
--   * Chinese text is written N'...' (Unicode), whatever the database's
--     code page.
--
-- The identities used by the spec's own request examples are seeded here:
--   patients   张三 (cards 100034567 / 300000040 / 500000003, 身份证 …8766, 住院号 100034567)
--              李明 (card 12345678, 病人ID 123, in hospital, unpaid prescriptions
--                    20150309001 / 20150309002, 就诊号 123, queue number 9 in 皮肤科门诊)
--   depts      100001 d0001 001 c0002 009, doctors d0001 d001 D0032 456
--   schedule   r001 = 消化内科 001 / d001, today 上午
--   reports    LIS 831409bb44d34f1097c81f69948e5d3d (李明); the PACS system has a
--              report with the same id (李美), as in the 7.3 example

SET NOCOUNT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET QUOTED_IDENTIFIER ON;
SET NUMERIC_ROUNDABORT OFF;
GO

-- The day this data describes (see roll.sql).
INSERT INTO dbo.demo_meta ([key], value)
VALUES ('as_of', CONVERT(varchar(10), CAST(GETDATE() AS date), 120));
GO

------------------------------------------------------------------------------
-- 字典
------------------------------------------------------------------------------

INSERT INTO dbo.title_dict (title_code, title_name) VALUES
    ('231', N'主任医师'),
    ('232', N'副主任医师'),
    ('233', N'主治医师'),
    ('234', N'医师');

INSERT INTO dbo.dept_dict (dept_code, dept_name, parent_code, dept_level, dept_type, py_code, location, logo_url, intro, feature, sort_no) VALUES
    -- 一级科室
    ('NK00', N'内科', NULL, '1', N'门诊', 'NK', N'门诊楼二、三楼', 'https://www.rbdemo-hospital.cn/static/dept/nk.png',
     N'内科设呼吸、消化、心血管、风湿免疫等专科，承担全院内科疾病的门诊与住院诊疗。', N'多学科联合诊疗，慢病全程管理', 10),
    ('WK00', N'外科', NULL, '1', N'门诊', 'WK', N'门诊楼四楼', 'https://www.rbdemo-hospital.cn/static/dept/wk.png',
     N'外科设普通外科、骨科等专科，开展常规及微创手术。', N'微创外科，加速康复外科(ERAS)', 20),
    ('KQ00', N'口腔科', NULL, '1', N'门诊', 'KQ', N'门诊楼一楼东侧', 'https://www.rbdemo-hospital.cn/static/dept/kq.png',
     N'口腔科设口腔内科、口腔修复科，开展牙体牙髓、牙周及修复治疗。', N'显微根管治疗，数字化修复', 30),
    ('PF00', N'皮肤性病科', NULL, '1', N'门诊', 'PFXB', N'门诊楼五楼', 'https://www.rbdemo-hospital.cn/static/dept/pf.png',
     N'诊治各类皮肤病及性传播疾病。', N'过敏性皮肤病诊治，皮肤镜检查', 40),
    ('FC00', N'妇产科', NULL, '1', N'门诊', 'FCK', N'门诊楼六楼', 'https://www.rbdemo-hospital.cn/static/dept/fc.png',
     N'妇产科设妇科、产科门诊及病房。', N'宫颈疾病筛查，妇科微创手术', 50),
    ('EK00', N'儿科', NULL, '1', N'门诊', 'EK', N'儿科楼一楼', 'https://www.rbdemo-hospital.cn/static/dept/ek.png',
     N'儿科诊治新生儿至14岁儿童常见病、多发病。', N'儿童呼吸道疾病、儿童哮喘规范化诊治', 60);

INSERT INTO dbo.dept_dict (dept_code, dept_name, parent_code, dept_level, dept_type, py_code, location, logo_url, intro, feature, sort_no) VALUES
    -- 二级科室 (门诊)
    ('d0001', N'呼吸内科', 'NK00', '2', N'门诊', 'HXNK', N'门诊楼二楼A区', 'https://www.rbdemo-hospital.cn/static/dept/hxnk.png',
     N'呼吸内科诊治慢性阻塞性肺疾病、支气管哮喘、肺炎、肺部结节等呼吸系统疾病，设呼吸病区48张床位。',
     N'慢阻肺与哮喘规范化管理，支气管镜诊疗，肺结节随访门诊', 11),
    ('100001', N'呼吸内科(东院)', 'NK00', '2', N'门诊', 'HXNKDY', N'东院区门诊楼一楼', 'https://www.rbdemo-hospital.cn/static/dept/hxnk.png',
     N'东院区呼吸内科门诊，由本部呼吸内科专家每日上午坐诊。', N'东院区呼吸专家门诊，肺功能检查', 12),
    ('001', N'消化内科', 'NK00', '2', N'门诊', 'XHNK', N'门诊楼二楼B区', 'https://www.rbdemo-hospital.cn/static/dept/xhnk.png',
     N'消化内科诊治胃炎、消化性溃疡、肝病、炎症性肠病等消化系统疾病。', N'无痛胃肠镜，幽门螺杆菌规范化根除', 13),
    ('002', N'心血管内科', 'NK00', '2', N'门诊', 'XXGNK', N'门诊楼三楼A区', 'https://www.rbdemo-hospital.cn/static/dept/xxgnk.png',
     N'心血管内科诊治高血压、冠心病、心律失常、心力衰竭等疾病。', N'胸痛中心，冠脉介入诊疗', 14),
    ('c0002', N'风湿免疫科', 'NK00', '2', N'门诊', 'FSMYK', N'门诊楼三楼B区', 'https://www.rbdemo-hospital.cn/static/dept/fsmy.png',
     N'风湿免疫科诊治类风湿关节炎、系统性红斑狼疮、痛风等风湿免疫病。', N'痛风专病门诊，生物制剂规范治疗', 15),
    ('003', N'普通外科', 'WK00', '2', N'门诊', 'PTWK', N'门诊楼四楼A区', 'https://www.rbdemo-hospital.cn/static/dept/ptwk.png',
     N'普通外科开展胃肠、肝胆、甲状腺、乳腺及疝等手术。', N'腹腔镜微创手术，日间手术', 21),
    ('004', N'骨科', 'WK00', '2', N'门诊', 'GK', N'门诊楼四楼B区', 'https://www.rbdemo-hospital.cn/static/dept/gk.png',
     N'骨科诊治创伤骨折、脊柱及关节疾病。', N'关节置换，创伤骨科微创内固定', 22),
    ('005', N'口腔内科', 'KQ00', '2', N'门诊', 'KQNK', N'门诊楼一楼东侧101', 'https://www.rbdemo-hospital.cn/static/dept/kqnk.png',
     N'擅长牙体、牙周疾病的诊治，口腔黏膜疾病的诊治。', N'显微根管治疗', 31),
    ('006', N'口腔修复科', 'KQ00', '2', N'门诊', 'KQXFK', N'门诊楼一楼东侧105', 'https://www.rbdemo-hospital.cn/static/dept/kqxf.png',
     N'开展各种牙齿缺损、缺失的固定及活动修复。', N'数字化全瓷修复', 32),
    ('009', N'皮肤科门诊', 'PF00', '2', N'门诊', 'PFKMZ', N'门诊楼五楼A区', 'https://www.rbdemo-hospital.cn/static/dept/pfk.png',
     N'诊治湿疹、皮炎、荨麻疹、痤疮、银屑病等常见皮肤病。', N'过敏原检测，皮肤镜，光疗', 41),
    ('010', N'妇科', 'FC00', '2', N'门诊', 'FK', N'门诊楼六楼A区', 'https://www.rbdemo-hospital.cn/static/dept/fk.png',
     N'诊治妇科炎症、妇科肿瘤、月经病等，开展宫颈癌筛查。', N'宫颈癌三阶梯筛查，宫腹腔镜手术', 51),
    ('011', N'儿科门诊', 'EK00', '2', N'门诊', 'EKMZ', N'儿科楼一楼', 'https://www.rbdemo-hospital.cn/static/dept/ekmz.png',
     N'诊治儿童呼吸、消化及发热性疾病。', N'儿童哮喘门诊，雾化治疗', 61),
    -- 医技及药剂 (not offered to patients for registration)
    ('JYK', N'检验科', NULL, '2', N'医技', 'JYK', N'门诊楼一楼西侧', NULL, NULL, NULL, 90),
    ('FSK', N'放射科', NULL, '2', N'医技', 'FSK', N'医技楼一楼', NULL, NULL, NULL, 91),
    ('CSK', N'超声科', NULL, '2', N'医技', 'CSK', N'医技楼二楼', NULL, NULL, NULL, 92),
    ('BLK', N'病理科', NULL, '2', N'医技', 'BLK', N'医技楼三楼', NULL, NULL, NULL, 93),
    ('YJK', N'药剂科', NULL, '2', N'医技', 'YJK', N'门诊楼一楼', NULL, NULL, NULL, 94);

INSERT INTO dbo.ward_dict (ward_code, ward_name, dept_code, campus) VALUES
    ('W01', N'呼吸内科病区(住院楼5楼)', 'd0001', N'总院'),
    ('W02', N'心血管内科病区(住院楼6楼)', '002', N'总院'),
    ('W03', N'普外科病区(住院楼8楼)', '003', N'总院'),
    ('W04', N'骨科病区(住院楼9楼)', '004', N'总院');

INSERT INTO dbo.doctor_dict (doctor_code, doctor_name, sex, dept_code, title_code, academic_title, specialty, intro, photo_url, expert_flag) VALUES
    ('d0001', N'吴卫中', '1', 'd0001', '231', N'教授',
     N'慢性阻塞性肺疾病、支气管哮喘、肺部感染及肺结节的诊治',
     N'呼吸内科主任，从事呼吸内科临床工作三十年，省医学会呼吸病学分会委员。每日上午在东院区坐诊。',
     'https://www.rbdemo-hospital.cn/static/doctor/d0001.jpg', '1'),
    ('D0017', N'孙丽', '2', 'd0001', '233', N'讲师',
     N'呼吸道感染、支气管哮喘的诊治',
     N'医学硕士，呼吸内科病区主治医师，擅长肺部感染的规范化抗感染治疗。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0017.jpg', '0'),
    ('d001', N'周建国', '1', '001', '232', N'副教授',
     N'胃食管反流病、消化性溃疡、幽门螺杆菌感染，无痛胃肠镜诊疗',
     N'消化内科副主任，完成消化内镜诊疗一万余例。',
     'https://www.rbdemo-hospital.cn/static/doctor/d001.jpg', '1'),
    ('0512', N'黄伟', '1', '001', '233', NULL,
     N'功能性胃肠病、慢性胃炎',
     N'消化内科主治医师，从事消化内科临床工作十年。',
     NULL, '0'),
    ('D0041', N'王海燕', '2', '002', '231', N'教授',
     N'高血压、冠心病及心力衰竭的诊治，冠脉介入治疗',
     N'心血管内科主任，胸痛中心负责人，省介入心脏病学专委会委员。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0041.jpg', '1'),
    ('D0032', N'李玲', '2', 'c0002', '231', N'副教授',
     N'类风湿关节炎、系统性红斑狼疮、痛风及强直性脊柱炎',
     N'风湿免疫科主任医师，从事风湿免疫病临床与研究二十余年。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0032.jpg', '1'),
    ('D0045', N'陈志强', '1', '003', '232', NULL,
     N'胆囊结石、阑尾炎、疝的腹腔镜微创手术',
     N'普通外科副主任医师，擅长腹腔镜胆囊、阑尾及疝修补手术。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0045.jpg', '1'),
    ('0533', N'刘建军', '1', '004', '231', N'教授',
     N'髋膝关节置换、四肢骨折微创内固定',
     N'骨科主任，关节外科带头人。',
     'https://www.rbdemo-hospital.cn/static/doctor/0533.jpg', '1'),
    ('D0058', N'赵敏', '2', '005', '233', NULL,
     N'龋病、牙髓病及根尖周病的显微根管治疗',
     N'口腔内科主治医师。',
     NULL, '0'),
    ('456', N'张三', '1', '009', '232', N'副教授',
     N'湿疹、特应性皮炎、荨麻疹等过敏性皮肤病，痤疮及银屑病',
     N'皮肤科副主任医师，擅长过敏性皮肤病的诊治及过敏原检测解读。',
     'https://www.rbdemo-hospital.cn/static/doctor/456.jpg', '1'),
    ('D0063', N'郑红', '2', '010', '231', N'教授',
     N'宫颈病变、子宫肌瘤、卵巢囊肿的诊治及宫腹腔镜手术',
     N'妇科主任，宫颈疾病诊治中心负责人。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0063.jpg', '1'),
    ('0601', N'钱坤', '1', '011', '233', NULL,
     N'小儿呼吸道感染、儿童哮喘',
     N'儿科主治医师，儿童哮喘门诊负责医师。',
     NULL, '0');

-- 号源时间点: 上午 08:00-12:00 每半小时一个点 (8 个), 下午 14:00-17:00 (6 个)
INSERT INTO dbo.time_point_dict (ampm, point_no, visit_time) VALUES
    (N'上午', 1, '08:00'), (N'上午', 2, '08:30'), (N'上午', 3, '09:00'), (N'上午', 4, '09:30'),
    (N'上午', 5, '10:00'), (N'上午', 6, '10:30'), (N'上午', 7, '11:00'), (N'上午', 8, '11:30'),
    (N'下午', 1, '14:00'), (N'下午', 2, '14:30'), (N'下午', 3, '15:00'), (N'下午', 4, '15:30'),
    (N'下午', 5, '16:00'), (N'下午', 6, '16:30');

-- 排班模板 (week_days: 1 = 星期一 .. 7 = 星期日)
INSERT INTO dbo.schedule_tpl (tpl_id, dept_code, doctor_code, ampm, clinic_type, week_days, time_quantum, nums_per_point, reg_fee) VALUES
    ( 1, 'd0001',  'd0001', N'下午', N'专家门诊', '1234567', '14:00-17:00', 3, 25.00),
    ( 2, '100001', 'd0001', N'上午', N'专家门诊', '1234567', '08:00-12:00', 3, 25.00),
    ( 3, 'd0001',  NULL,    N'上午', N'普通门诊', '1234567', '08:00-12:00', 6, 12.00),
    ( 4, 'd0001',  'D0017', N'下午', N'普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    ( 5, '001',    'd001',  N'上午', N'专家门诊', '1234567', '08:00-12:00', 3, 18.00),
    ( 6, '001',    NULL,    N'上午', N'普通门诊', '12345',   '08:00-12:00', 6, 12.00),
    ( 7, '001',    '0512',  N'下午', N'普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    ( 8, '002',    'D0041', N'下午', N'专家门诊', '1234567', '14:00-17:00', 3, 25.00),
    ( 9, '002',    NULL,    N'上午', N'普通门诊', '123456',  '08:00-12:00', 6, 12.00),
    (10, 'c0002',  'D0032', N'上午', N'专家门诊', '1234567', '08:00-12:00', 3, 15.00),
    (11, '003',    'D0045', N'上午', N'专家门诊', '1234567', '08:00-12:00', 3, 18.00),
    (12, '003',    NULL,    N'下午', N'普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    (13, '004',    '0533',  N'上午', N'专家门诊', '246',     '08:00-12:00', 3, 25.00),
    (14, '004',    NULL,    N'上午', N'普通门诊', '1234567', '08:00-12:00', 6, 12.00),
    (15, '005',    'D0058', N'上午', N'普通门诊', '123456',  '08:00-12:00', 6, 12.00),
    (16, '006',    NULL,    N'下午', N'普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    (17, '009',    '456',   N'上午', N'专家门诊', '1234567', '08:00-12:00', 3, 18.00),
    (18, '009',    '456',   N'下午', N'专家门诊', '1234567', '14:00-17:00', 3, 18.00),
    (19, '010',    'D0063', N'上午', N'专家门诊', '1234567', '08:00-12:00', 3, 25.00),
    (20, '011',    '0601',  N'上午', N'普通门诊', '1234567', '08:00-12:00', 6, 12.00),
    (21, '011',    NULL,    N'下午', N'普通门诊', '1234567', '14:00-17:00', 6, 12.00),
    (22, '100001', NULL,    N'下午', N'普通门诊', '1234567', '14:00-17:00', 6, 12.00);
GO

------------------------------------------------------------------------------
-- 排班: the last 30 days (history) and the next 14 days, from the roster
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

-- A session created by the old system before the roster ids were introduced:
-- 消化内科 周建国 today morning keeps its legacy id r001.
INSERT INTO dbo.schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT 'r001', t.tpl_id, @today, t.ampm, t.dept_code, t.doctor_code, t.clinic_type,
       t.time_quantum, t.reg_fee, '1', DATEADD(day, @day - 14, CAST('06:00:00' AS datetime))
FROM dbo.schedule_tpl t
WHERE t.tpl_id = 5;

-- Every roster line on every day it runs, today-30 .. today+13 (a recursive
-- CTE of 44 days). A session that exists already (r001) is skipped.
WITH days (n, d) AS (
    SELECT -30, DATEADD(day, -30, @today)
    UNION ALL
    SELECT n + 1, DATEADD(day, 1, d) FROM days WHERE n < 13
)
INSERT INTO dbo.schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT x.schedule_id, t.tpl_id, days.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       DATEADD(day, DATEDIFF(day, '19000101', days.d) - 14, CAST('06:00:00' AS datetime))
FROM days
JOIN dbo.schedule_tpl t
  ON t.valid_flag = '1'
 AND CHARINDEX(CAST(DATEDIFF(day, '19000101', days.d) % 7 + 1 AS varchar(1)), t.week_days) > 0
CROSS APPLY (
    SELECT 'PB' + CONVERT(char(8), days.d, 112)
           + CASE WHEN t.tpl_id < 1000 THEN RIGHT(CAST(1000 + t.tpl_id AS varchar(11)), 3)
                  ELSE CAST(t.tpl_id AS varchar(11)) END AS schedule_id
) AS x
WHERE NOT EXISTS (SELECT 1 FROM dbo.schedule s
                  WHERE s.schedule_id = x.schedule_id
                     OR (s.tpl_id = t.tpl_id AND s.clinic_date = days.d));

-- 号源: every time point of every session. Past sessions are (nearly) full;
-- upcoming ones fill up the nearer they are; some time points are full.
-- (CAST(julianday(d) AS INTEGER) of the SQLite seed is
-- DATEDIFF(day, '19000101', d) + 2415020.) Slots are numbered in the order
-- the sessions were created: r001, then day by day, department, doctor.
INSERT INTO dbo.schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       CASE
           WHEN s.clinic_date < @today
               THEN t.nums_per_point - (t.tpl_id + p.point_no) % 2
           ELSE ((t.tpl_id * 7 + p.point_no * 5 + (DATEDIFF(day, '19000101', s.clinic_date) + 2415020) * 3) % (t.nums_per_point + 1))
                * (14 - DATEDIFF(day, @today, s.clinic_date)) / 14
       END
FROM dbo.schedule s
JOIN dbo.schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN dbo.time_point_dict p ON p.ampm = s.ampm
WHERE NOT EXISTS (SELECT 1 FROM dbo.schedule_slot x WHERE x.schedule_id = s.schedule_id AND x.point_no = p.point_no)
ORDER BY CASE WHEN s.schedule_id = 'r001' THEN 0 ELSE 1 END, s.clinic_date,
         s.dept_code COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2,
         s.ampm COLLATE Latin1_General_BIN2, s.tpl_id, p.point_no;

-- The one stopped session: 王海燕's first session two or more days ahead.
UPDATE dbo.schedule
SET status = '0', stop_reason = N'医生外出参加学术会议',
    stop_time = CONVERT(datetime, CONVERT(char(19), GETDATE(), 120), 120)
WHERE schedule_id = (
    SELECT TOP 1 schedule_id FROM dbo.schedule
    WHERE doctor_code = 'D0041' AND clinic_date >= DATEADD(day, 2, @today)
    ORDER BY clinic_date, ampm COLLATE Latin1_General_BIN2
);
GO

------------------------------------------------------------------------------
-- 病人与卡
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

-- 张三's 身份证 ends in 8766 like the spec's masked examples (430702xxxxxxxx8766).
INSERT INTO dbo.patient (patient_id, name, sex, birth_date, id_type, id_no, phone, address, create_time) VALUES
    ('123',     N'李明',   '1', '2002-03-18', '01', '320102200203180515', '13905171234', N'南京市玄武区中山路18号',       '2009-06-02T10:15:32'),
    ('6000234', N'张三',   '1', '2006-11-14', '01', '430702200611148766', '13122114826', N'湖南省常德市武陵区朗州路66号', '2019-03-11T08:42:10'),
    ('6000236', N'李美',   '2', '2002-06-09', '01', '320104200206091289', '13776602219', N'南京市秦淮区长乐路201号',     '2019-04-20T14:05:47'),
    ('6000241', N'王芳',   '2', '1968-04-22', '01', '320106196804220646', '13851739960', N'南京市鼓楼区湖南路9号',       '2019-07-08T09:30:02'),
    ('6000247', N'赵强',   '1', '1955-09-03', '01', '320111195509030176', '13605176631', N'南京市浦口区江浦街道文德路3号', '2019-11-23T15:12:40'),
    ('6000252', N'陈静',   '2', '1990-12-15', '01', '320113199012150261', '18951708872', N'南京市栖霞区仙林大道163号',   '2020-05-14T08:20:19'),
    ('6000258', N'刘洋',   '1', '2015-07-30', '01', '320115201507300332', '15850521148', N'南京市江宁区双龙大道1288号', '2021-02-03T19:40:55'),
    ('6000263', N'孙秀英', '2', '1949-02-11', '01', '32010219490211042X', '02584561230', N'南京市玄武区北京东路41号',   '2021-09-16T07:58:31'),
    ('6000270', N'李思思', '2', '1998-05-20', '01', '320105199805200644', '17761609925', N'南京市建邺区江东中路98号',   '2023-01-05T11:26:03'),
    ('6000275', N'周建华', '1', '1979-10-08', '01', '320124197910080752', '13770711583', N'南京市溧水区永阳街道交通路5号', '2024-06-19T16:44:12');

INSERT INTO dbo.card (card_no, patient_id, card_type, status, issue_time, status_time) VALUES
    ('12345678',  '123',     '1', '0', '2009-06-02T10:15:32', NULL),
    ('100034567', '6000234', '1', '0', '2019-03-11T08:42:10', NULL),
    ('300000040', '6000234', '2', '0', '2021-05-06T12:01:44', NULL),
    ('500000003', '6000234', '3', '0', '2022-08-19T09:13:27', NULL),
    ('100052306', '6000236', '1', '0', '2019-04-20T14:05:47', NULL),
    ('100045210', '6000241', '1', '0', '2019-07-08T09:30:02', NULL),
    ('100051337', '6000247', '1', '0', '2019-11-23T15:12:40', NULL),
    ('100060072', '6000252', '1', '0', '2020-05-14T08:20:19', NULL),
    ('100061188', '6000258', '1', '0', '2021-02-03T19:40:55', NULL),
    ('100070311', '6000263', '1', '1', '2021-09-16T07:58:31', DATEADD(day, @day - 5, CAST('07:52:10' AS datetime))),
    ('100070342', '6000263', '1', '0', DATEADD(day, @day - 5, CAST('07:55:48' AS datetime)), NULL),
    ('xn001',     '6000270', '4', '0', '2023-01-05T11:26:03', NULL),
    ('100066519', '6000275', '1', '0', '2024-06-19T16:44:12', NULL);
GO

------------------------------------------------------------------------------
-- 挂号 / 预约
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

-- 李明's visit 45 days ago: its session has been archived (schedule_id NULL).
INSERT INTO dbo.outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                               visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                               trade_no, invoice_no, reg_time, see_time, cancel_time)
VALUES ('GH' + CONVERT(char(8), DATEADD(day, -45, @today), 112) + '0003', '096', '123', '12345678', NULL, NULL,
        '001', 'd001', N'专家门诊', DATEADD(day, -45, @today), N'上午', '09:00', 18.00, '1', '1', '1', '1', 4,
        NULL, 'MZ0026' + SUBSTRING(CONVERT(char(8), DATEADD(day, -45, @today), 112), 5, 4) + '0012',
        DATEADD(day, @day - 45, CAST('07:48:20' AS datetime)), DATEADD(day, @day - 45, CAST('09:06:00' AS datetime)), NULL);

-- The others, joined to their session and time point.
-- day_off = visit day relative to today; reg_off = day the registration was made.
-- (CONVERT(char(6), d, 12) is yymmdd.)
INSERT INTO dbo.outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                               visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                               trade_no, invoice_no, reg_time, see_time, cancel_time)
SELECT 'GH' + CONVERT(char(8), s.clinic_date, 112) + v.seq, v.clinic_no, v.patient_id, v.card_no,
       s.schedule_id, sl.slot_id, s.dept_code, s.doctor_code, s.clinic_type,
       s.clinic_date, s.ampm, sl.visit_time, s.reg_fee, v.reg_type, v.reg_way, v.status, v.visit_status, v.queue_no,
       v.trade_no,
       CASE WHEN v.status IN ('1', '9') THEN 'MZ0026' + SUBSTRING(CONVERT(char(8), s.clinic_date, 112), 5, 4) + v.seq END,
       DATEADD(day, @day + v.reg_off, CAST(v.reg_hms AS datetime)),
       CASE WHEN v.visit_status = '1'
            THEN DATEADD(minute, 7, DATEADD(day, DATEDIFF(day, '19000101', s.clinic_date), CAST(sl.visit_time AS datetime))) END,
       CASE WHEN v.status = '9'
            THEN DATEADD(day, DATEDIFF(day, '19000101', s.clinic_date), CAST('09:02:18' AS datetime)) END
FROM (VALUES
    -- 张三: 普外 → admitted the same day (住院号 100034567)
    ('0007', '101', '6000234', '100034567', 11, -21, 1, '1', '1', '1', '1', 1,    NULL, -21, '07:41:12'),
    -- 李明: 呼吸内科 吴卫中, booked on the platform → 血常规 / 胸部CT, admitted 4 days later
    ('0031', '108', '123',     '12345678',   1, -10, 2, '2', '3', '1', '1', 3,    'EH05' + CONVERT(char(6), DATEADD(day, -11, @today), 12) + '0004222224', -11, '20:16:05'),
    -- 李美: 妇科 → TCT
    ('0012', '110', '6000236', '100052306', 19,  -8, 3, '1', '2', '1', '1', 5,    NULL, -8, '08:02:51'),
    -- 陈静: 消化内科 周建国 → 乙肝两对半
    ('0021', '115', '6000252', '100060072',  5,  -3, 1, '1', '1', '1', '1', 2,    NULL, -3, '07:35:09'),
    -- today
    ('0015', '123', '123',     '12345678',  17,   0, 3, '1', '1', '1', '1', 9,    NULL, 0, '07:50:33'),
    ('0004', '124', '6000234', '300000040', 10,   0, 1, '2', '3', '1', '0', NULL, 'EH05' + CONVERT(char(6), DATEADD(day, -4, @today), 12) + '0004216377', -4, '21:03:40'),
    ('0016', '125', '6000252', '100060072',  5,   0, 2, '1', '2', '1', '1', 6,    NULL, 0, '07:58:14'),
    ('0019', '126', '6000258', '100061188', 20,   0, 4, '1', '1', '1', '1', 3,    NULL, 0, '08:47:26'),
    ('0022', '127', '6000263', '100070342',  3,   0, 5, '1', '1', '1', '0', 12,   NULL, 0, '09:21:07'),
    ('0025', '128', '6000270', 'xn001',     18,   0, 1, '2', '3', '1', '0', NULL, 'EH05' + CONVERT(char(6), DATEADD(day, -2, @today), 12) + '0004220544', -2, '12:40:19'),
    ('0026', '129', '6000247', '100051337',  8,   0, 2, '1', '1', '9', '0', NULL, NULL, 0, '08:12:45'),
    -- upcoming appointments
    ('0002', '130', '6000234', '100034567',  2,   3, 2, '2', '3', '1', '0', NULL, 'EH05' + CONVERT(char(6), DATEADD(day, -1, @today), 12) + '0004225785', -1, '19:05:52'),
    ('0006', '131', '6000236', '100052306', 10,   5, 3, '2', '3', '0', '0', NULL, NULL, 0, '07:15:36')
) AS v (seq, clinic_no, patient_id, card_no, tpl_id, day_off, point_no, reg_type, reg_way, status, visit_status, queue_no, trade_no, reg_off, reg_hms)
JOIN dbo.schedule s ON s.tpl_id = v.tpl_id AND s.clinic_date = DATEADD(day, v.day_off, @today)
JOIN dbo.schedule_slot sl ON sl.schedule_id = s.schedule_id AND sl.point_no = v.point_no;
GO

------------------------------------------------------------------------------
-- 处方 (门诊收费项目)
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

-- The spec's example prescriptions 20150309001 / 20150309002 keep their
-- numbers; the HIS numbers the rest by date. 20150309001 totals 190.00 and
-- 20150309002 120.00, the amounts of the 8.2 / 8.3 examples.
INSERT INTO dbo.rx_master (rx_no, register_id, patient_id, dept_code, doctor_code, rx_type, diag_code, diag_name, create_time, charge_status, charge_time, invoice_no, pay_id)
SELECT x.rx_no, r.register_id, r.patient_id, r.dept_code, r.doctor_code, x.rx_type, x.diag_code, x.diag_name,
       DATEADD(day, DATEDIFF(day, '19000101', r.visit_date), CAST(x.hms AS datetime)), x.charge_status,
       CASE WHEN x.charge_status = '1'
            THEN DATEADD(minute, 6, DATEADD(day, DATEDIFF(day, '19000101', r.visit_date), CAST(x.hms AS datetime))) END,
       CASE WHEN x.charge_status = '1' THEN 'MZ0026' + SUBSTRING(CONVERT(char(8), r.visit_date, 112), 5, 4) + RIGHT(x.rx_no, 4) END,
       CASE WHEN x.charge_status = '1' THEN 'SF' + CONVERT(char(8), r.visit_date, 112) + RIGHT(x.rx_no, 4) END
FROM (VALUES
    -- 李明 10 days ago (呼吸内科), paid at the window
    ('108', CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0311', '1', 'J18.900', N'肺炎', '14:41:27', '1'),
    ('108', CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0312', '4', 'J18.900', N'肺炎', '14:42:03', '1'),
    ('108', CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0313', '3', 'J18.900', N'肺炎', '14:42:40', '1'),
    -- 李明 today (皮肤科 张三): not paid yet
    ('123', '20150309001', '1', 'L30.900', N'皮炎', '09:14:52', '0'),
    ('123', '20150309002', '4', 'L30.900', N'皮炎', '09:15:31', '0'),
    -- 陈静 3 days ago, paid; today (消化内科 r001) not paid yet
    ('115', CONVERT(char(8), DATEADD(day, -3, @today), 112) + '0215', '4', 'K29.500', N'慢性胃炎', '08:20:44', '1'),
    ('125', CONVERT(char(8), @today, 112) + '0451', '1', 'K29.500', N'慢性胃炎', '08:49:10', '0'),
    ('125', CONVERT(char(8), @today, 112) + '0452', '4', 'K29.500', N'慢性胃炎', '08:50:02', '0'),
    -- 刘洋 today (儿科), already paid
    ('126', CONVERT(char(8), @today, 112) + '0463', '1', 'J06.900', N'急性上呼吸道感染', '09:55:37', '1')
) AS x (clinic_no, rx_no, rx_type, diag_code, diag_name, hms, charge_status)
JOIN dbo.outp_register r ON r.clinic_no = x.clinic_no;

INSERT INTO dbo.rx_detail (rx_no, line_no, item_code, item_name, spec, unit, price, qty, amount, route_name, freq_name, dose, dose_unit, days, exec_dept)
SELECT x.rx_no, x.line_no, x.item_code, x.item_name, x.spec, x.unit, x.price, x.qty,
       CAST(x.price * x.qty AS decimal(12,2)),
       x.route_name, x.freq_name, x.dose, x.dose_unit, x.days, x.exec_dept
FROM (VALUES
    (CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0311', 1, 'X10231', N'阿莫西林克拉维酸钾片', N'0.375g*12片', N'盒', 32.60, 2, N'口服', N'每日三次', N'1', N'片', 7, 'YJK'),
    (CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0311', 2, 'X10877', N'复方甘草口服溶液', N'100ml', N'瓶', 6.80, 1, N'口服', N'每日三次', N'10', N'ml', 7, 'YJK'),
    (CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0312', 1, 'L20001', N'血常规(五分类)', NULL, N'次', 20.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK'),
    (CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0312', 2, 'L20115', N'C反应蛋白测定(CRP)', NULL, N'次', 15.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK'),
    (CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0313', 1, 'E30021', N'胸部CT平扫', NULL, N'次', 180.00, 1, NULL, NULL, NULL, NULL, NULL, 'FSK'),
    ('20150309001', 1, 'X11520', N'依巴斯汀片', N'10mg*10片', N'盒', 38.50, 2, N'口服', N'每日一次', N'1', N'片', 14, 'YJK'),
    ('20150309001', 2, 'X13306', N'他克莫司软膏', N'0.1%:10g', N'支', 113.00, 1, N'外用', N'每日两次', N'适量', NULL, 14, 'YJK'),
    ('20150309002', 1, 'L20532', N'血清总IgE测定', NULL, N'次', 80.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK'),
    ('20150309002', 2, 'L20540', N'吸入性过敏原筛查', NULL, N'次', 40.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK'),
    (CONVERT(char(8), DATEADD(day, -3, @today), 112) + '0215', 1, 'L20310', N'乙肝两对半定量', NULL, N'次', 65.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK'),
    (CONVERT(char(8), @today, 112) + '0451', 1, 'X10452', N'奥美拉唑肠溶胶囊', N'20mg*14粒', N'盒', 24.80, 2, N'口服', N'每日两次', N'1', N'粒', 14, 'YJK'),
    (CONVERT(char(8), @today, 112) + '0451', 2, 'X10618', N'铝碳酸镁咀嚼片', N'0.5g*20片', N'盒', 27.30, 1, N'嚼服', N'每日三次', N'2', N'片', 7, 'YJK'),
    (CONVERT(char(8), @today, 112) + '0451', 3, 'X10733', N'枸橼酸莫沙必利片', N'5mg*24片', N'盒', 31.90, 1, N'口服', N'每日三次', N'1', N'片', 7, 'YJK'),
    (CONVERT(char(8), @today, 112) + '0452', 1, 'L20261', N'13C尿素呼气试验', NULL, N'次', 150.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK'),
    (CONVERT(char(8), @today, 112) + '0463', 1, 'X12008', N'小儿氨酚黄那敏颗粒', N'10袋', N'盒', 12.50, 1, N'口服', N'每日三次', N'1', N'袋', 3, 'YJK')
) AS x (rx_no, line_no, item_code, item_name, spec, unit, price, qty, route_name, freq_name, dose, dose_unit, days, exec_dept);
GO

------------------------------------------------------------------------------
-- 检验 LIS
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

INSERT INTO dbo.lis_report (report_id, patient_id, source_type, register_id, inp_no, apply_dept, apply_doctor, diag_code, diag_name,
                            group_name, sample_type, sample_time, report_time, status, auditor) VALUES
    ('831409bb44d34f1097c81f69948e5d3d', '123', '1', 'GH' + CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0031', NULL,
     'd0001', 'd0001', 'J18.900', N'肺炎', N'血常规(五分类)', N'全血',
     DATEADD(day, @day - 10, CAST('15:02:16' AS datetime)), DATEADD(day, @day - 10, CAST('15:41:09' AS datetime)), '2', N'钱晓东'),
    ('5b0e2d7a91c34f8ab6e1c0d9f4a27e13', '123', '1', 'GH' + CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0031', NULL,
     'd0001', 'd0001', 'J18.900', N'肺炎', N'C反应蛋白(CRP)', N'血清',
     DATEADD(day, @day - 10, CAST('15:02:16' AS datetime)), DATEADD(day, @day - 10, CAST('16:10:45' AS datetime)), '2', N'钱晓东'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', '123', '2', NULL, '100038812',
     'd0001', 'D0017', 'J18.900', N'肺炎', N'肝功能', N'血清',
     DATEADD(day, @day - 5, CAST('06:10:31' AS datetime)), DATEADD(day, @day - 5, CAST('10:25:52' AS datetime)), '2', N'钱晓东'),
    ('0d6a3b9e57f24e1c9a8b7c6d5e4f3a21', '123', '2', NULL, '100038812',
     'd0001', 'D0017', 'J18.900', N'肺炎', N'血常规(五分类)', N'全血',
     DATEADD(day, @day, CAST('06:05:12' AS datetime)), NULL, '1', NULL),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', '6000252', '1', 'GH' + CONVERT(char(8), DATEADD(day, -3, @today), 112) + '0021', NULL,
     '001', 'd001', 'K29.500', N'慢性胃炎', N'乙肝两对半定量', N'血清',
     DATEADD(day, @day - 3, CAST('08:41:37' AS datetime)), DATEADD(day, @day - 3, CAST('14:02:20' AS datetime)), '2', N'钱晓东'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', '6000234', '2', NULL, '100034567',
     '003', 'D0045', 'K35.800', N'急性阑尾炎', N'血常规(五分类)', N'全血',
     DATEADD(day, @day - 21, CAST('10:55:03' AS datetime)), DATEADD(day, @day - 21, CAST('11:30:48' AS datetime)), '2', N'钱晓东'),
    -- 李明, 45 days ago: outside the default one-month window of 7.1
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', '123', '1', 'GH' + CONVERT(char(8), DATEADD(day, -45, @today), 112) + '0003', NULL,
     '001', 'd001', 'K30.X00', N'功能性消化不良', N'尿常规', N'尿液',
     DATEADD(day, @day - 45, CAST('09:30:40' AS datetime)), DATEADD(day, @day - 45, CAST('10:12:05' AS datetime)), '2', N'钱晓东');

INSERT INTO dbo.lis_result (report_id, seq, item_code, item_name, result_value, unit, ref_range, abnormal_flag) VALUES
    ('831409bb44d34f1097c81f69948e5d3d', 1, 'WBC',   N'白细胞计数',       N'12.6',  N'10^9/L',  N'3.5-9.5',   'H'),
    ('831409bb44d34f1097c81f69948e5d3d', 2, 'NEUT%', N'中性粒细胞百分比', N'82.3',  N'%',       N'40-75',     'H'),
    ('831409bb44d34f1097c81f69948e5d3d', 3, 'LYMPH%',N'淋巴细胞百分比',   N'11.9',  N'%',       N'20-50',     'L'),
    ('831409bb44d34f1097c81f69948e5d3d', 4, 'RBC',   N'红细胞计数',       N'4.85',  N'10^12/L', N'4.3-5.8',   'N'),
    ('831409bb44d34f1097c81f69948e5d3d', 5, 'HGB',   N'血红蛋白',         N'146',   N'g/L',     N'130-175',   'N'),
    ('831409bb44d34f1097c81f69948e5d3d', 6, 'PLT',   N'血小板计数',       N'236',   N'10^9/L',  N'125-350',   'N'),
    ('5b0e2d7a91c34f8ab6e1c0d9f4a27e13', 1, 'CRP',   N'C反应蛋白',        N'48.6',  N'mg/L',    N'0-10',      'H'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 1, 'ALT',   N'丙氨酸氨基转移酶', N'32',    N'U/L',     N'9-50',      'N'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 2, 'AST',   N'天门冬氨酸氨基转移酶', N'28', N'U/L',     N'15-40',     'N'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 3, 'TBIL',  N'总胆红素',         N'12.4',  N'umol/L',  N'0-21',      'N'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 4, 'ALB',   N'白蛋白',           N'38.2',  N'g/L',     N'40-55',     'L'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 1, 'HBsAg', N'乙肝表面抗原',     N'0.01',  N'IU/mL',   N'0-0.05',    'N'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 2, 'HBsAb', N'乙肝表面抗体',     N'66.6',  N'mIU/mL',  N'0-10',      'H'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 3, 'HBeAg', N'乙肝e抗原',        N'0.32',  N'S/CO',    N'0-1',       'N'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 4, 'HBeAb', N'乙肝e抗体',        N'1.86',  N'S/CO',    N'>1',        'N'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 5, 'HBcAb', N'乙肝核心抗体',     N'0.15',  N'S/CO',    N'0-1',       'N'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', 1, 'WBC',   N'白细胞计数',       N'15.2',  N'10^9/L',  N'3.5-9.5',   'H'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', 2, 'NEUT%', N'中性粒细胞百分比', N'88.1',  N'%',       N'40-75',     'H'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', 3, 'HGB',   N'血红蛋白',         N'151',   N'g/L',     N'130-175',   'N'),
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', 1, 'PRO',   N'尿蛋白',           N'阴性',  NULL,       N'阴性',      'N'),
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', 2, 'GLU',   N'尿葡萄糖',         N'阴性',  NULL,       N'阴性',      'N'),
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', 3, 'BLD',   N'尿隐血',           N'弱阳性', NULL,      N'阴性',      'P');

------------------------------------------------------------------------------
-- 检查 PACS (放射 / 超声 / 病理). Its report ids come from a different
-- system than the LIS ids: 831409bb… exists in both, for different patients.
------------------------------------------------------------------------------

INSERT INTO dbo.pacs_report (report_id, patient_id, source_type, register_id, inp_no, apply_dept, apply_doctor, diag_code, diag_name,
                             exam_class, exam_item, exam_time, report_time, findings, impression, image_url, status, reporter) VALUES
    ('3e9a7c1d52b84f6e9d0a4b7c2f18e650', '123', '1', 'GH' + CONVERT(char(8), DATEADD(day, -10, @today), 112) + '0031', NULL,
     'd0001', 'd0001', 'J18.900', N'肺炎', N'CT', N'胸部CT平扫',
     DATEADD(day, @day - 10, CAST('16:05:40' AS datetime)), DATEADD(day, @day - 10, CAST('17:32:18' AS datetime)),
     N'胸廓对称，气管居中。右肺下叶见斑片状高密度影，边缘模糊，内见支气管充气征；余肺野清晰。纵隔内未见肿大淋巴结，双侧胸腔未见积液。',
     N'右肺下叶炎症，建议抗感染治疗后复查。',
     'https://pacs.rbdemo-hospital.cn/viewer/3e9a7c1d52b84f6e9d0a4b7c2f18e650.jpg', '2', N'蒋立新'),
    ('7b2f9e4c1d8a4b3e9c0f5a6d2e1b8c47', '123', '2', NULL, '100038812',
     'd0001', 'D0017', 'J18.900', N'肺炎', N'CT', N'胸部CT平扫(复查)',
     DATEADD(day, @day - 1, CAST('10:20:05' AS datetime)), NULL, NULL, NULL, NULL, '1', NULL),
    ('831409bb44d34f1097c81f69948e5d3d', '6000236', '1', 'GH' + CONVERT(char(8), DATEADD(day, -8, @today), 112) + '0012', NULL,
     '010', 'D0063', 'N72.X00', N'慢性宫颈炎', N'病理', N'宫颈液基薄层细胞学检查(TCT)',
     DATEADD(day, @day - 8, CAST('09:48:12' AS datetime)), DATEADD(day, @day - 5, CAST('15:20:36' AS datetime)),
     N'无上皮内病变或恶性病变，中度炎症反应性细胞改变。',
     N'建议抗炎治疗后复查。',
     'https://pacs.rbdemo-hospital.cn/viewer/831409bb44d34f1097c81f69948e5d3d.jpg', '2', N'杜文静'),
    ('f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c', '6000234', '2', NULL, '100034567',
     '003', 'D0045', 'K35.800', N'急性阑尾炎', N'超声', N'阑尾彩超',
     DATEADD(day, @day - 21, CAST('10:40:22' AS datetime)), DATEADD(day, @day - 21, CAST('11:05:47' AS datetime)),
     N'右下腹麦氏点处探及一管状低回声，外径约9mm，壁增厚，周围脂肪回声增强，未见明显积液。',
     N'右下腹管状低回声，考虑急性阑尾炎。',
     'https://pacs.rbdemo-hospital.cn/viewer/f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c.jpg', '2', N'何静');
GO

------------------------------------------------------------------------------
-- 住院
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

INSERT INTO dbo.inpatient (inp_no, patient_id, card_no, admit_times, admit_time, discharge_time, dept_code, ward_code, bed_no, doctor_code, diag_code, diag_name, inp_status) VALUES
    ('100034567', '6000234', '100034567', 1, DATEADD(day, @day - 21, CAST('10:20:36' AS datetime)), DATEADD(day, @day - 16, CAST('09:35:10' AS datetime)),
     '003', 'W03', '07', 'D0045', 'K35.800', N'急性阑尾炎', '3'),
    ('100038812', '123', '12345678', 1, DATEADD(day, @day - 6, CAST('15:40:12' AS datetime)), NULL,
     'd0001', 'W01', '12', 'D0017', 'J18.900', N'肺炎', '1'),
    ('100038790', '6000241', '100045210', 2, DATEADD(day, @day - 9, CAST('11:02:45' AS datetime)), NULL,
     '002', 'W02', '21', 'D0041', 'I20.000', N'不稳定型心绞痛', '1'),
    ('100038845', '6000275', '100066519', 1, DATEADD(day, @day - 3, CAST('18:25:09' AS datetime)), NULL,
     '004', 'W04', '03', '0533', 'S82.201', N'胫骨干骨折', '1'),
    ('100031102', '6000247', '100051337', 1, DATEADD(day, @day - 60, CAST('09:12:33' AS datetime)), DATEADD(day, @day - 48, CAST('10:05:00' AS datetime)),
     '002', 'W02', '16', 'D0041', 'I50.900', N'心力衰竭', '3');

INSERT INTO dbo.inp_prepay (inp_no, amount, pay_way, trade_no, receipt_no, pay_time, operator, status)
SELECT y.inp_no, y.amount, y.pay_way, y.trade_no, y.receipt_no, DATEADD(day, @day + y.day_off, CAST(y.hms AS datetime)), y.operator, y.status
FROM (VALUES
    (1, '100034567', 2000.00, N'现金', NULL, 'YJ00260311', -21, '10:25:41', N'收费员王静', '1'),
    (2, '100034567', 2000.00, N'微信', 'EH05' + CONVERT(char(6), DATEADD(day, -17, @today), 12) + '0004231708',
        'YJ00260402', -17, '19:33:45', N'睿博平台', '1'),
    (3, '100038812', 2000.00, N'银行卡', NULL, 'YJ00260977', -6, '15:52:08', N'收费员王静', '1'),
    (4, '100038812', 1000.00, N'微信', 'EH05' + CONVERT(char(6), DATEADD(day, -2, @today), 12) + '0004221641',
        'YJ00261035', -2, '20:11:27', N'睿博平台', '1'),
    (5, '100038790', 5000.00, N'银行卡', NULL, 'YJ00260921', -9, '11:15:30', N'收费员李娟', '1'),
    (6, '100038845', 10000.00, N'银行卡', NULL, 'YJ00261012', -3, '18:40:02', N'收费员陈红', '1'),
    (7, '100038845', 500.00, N'现金', NULL, 'YJ00261013', -3, '18:41:15', N'收费员陈红', '0'),
    (8, '100031102', 8000.00, N'现金', NULL, 'YJ00257730', -60, '09:30:00', N'收费员李娟', '1')
) AS y (seq, inp_no, amount, pay_way, trade_no, receipt_no, day_off, hms, operator, status)
ORDER BY y.seq;

-- 住院费用: the daily charges of every day of every stay (a recursive CTE
-- over the days of each stay), plus one-off items.
WITH stay (inp_no, dept_code, doctor_code, d, last_d) AS (
    SELECT inp_no, dept_code, doctor_code, CAST(admit_time AS date), CAST(COALESCE(discharge_time, CAST(@today AS datetime)) AS date)
    FROM dbo.inpatient
    UNION ALL
    SELECT inp_no, dept_code, doctor_code, DATEADD(day, 1, d), last_d FROM stay WHERE d < last_d
)
INSERT INTO dbo.inp_fee_detail (inp_no, fee_date, charge_time, item_code, item_name, fee_class, spec, unit, price, qty, amount, order_doctor, exec_dept)
SELECT s.inp_no, s.d, DATEADD(day, DATEDIFF(day, '19000101', s.d), CAST('08:05:00' AS datetime)),
       i.item_code, i.item_name, i.fee_class, i.spec, i.unit, i.price, i.qty,
       CAST(i.price * i.qty AS decimal(12,2)),
       s.doctor_code, COALESCE(i.exec_dept, s.dept_code)
FROM stay s
JOIN (VALUES
    ('*',     'B0001', N'床位费(三人间)',        N'床位费', NULL,            N'日',  45.00, 1,  NULL),
    ('*',     'H0002', N'二级护理',              N'护理费', NULL,            N'日',  18.00, 1,  NULL),
    ('*',     'Z0001', N'住院诊查费',            N'诊查费', NULL,            N'日',  20.00, 1,  NULL),
    ('d0001', 'X0231', N'注射用头孢曲松钠',      N'西药费', N'1g',           N'支',  12.60, 2,  'YJK'),
    ('d0001', 'X0412', N'0.9%氯化钠注射液',      N'西药费', N'100ml',        N'袋',  3.50,  2,  'YJK'),
    ('d0001', 'T0101', N'静脉输液',              N'治疗费', NULL,            N'组',  8.00,  2,  NULL),
    ('d0001', 'T0205', N'雾化吸入',              N'治疗费', NULL,            N'次',  10.00, 2,  NULL),
    ('d0001', 'X0788', N'吸入用布地奈德混悬液',  N'西药费', N'2ml:1mg',      N'支',  9.85,  2,  'YJK'),
    ('002',   'X0915', N'阿司匹林肠溶片',        N'西药费', N'100mg*30片',   N'片',  0.45,  1,  'YJK'),
    ('002',   'X0920', N'硫酸氢氯吡格雷片',      N'西药费', N'75mg*7片',     N'片',  2.95,  1,  'YJK'),
    ('002',   'X0933', N'阿托伐他汀钙片',        N'西药费', N'20mg*7片',     N'片',  1.12,  1,  'YJK'),
    ('002',   'T0310', N'心电监护',              N'治疗费', NULL,            N'小时', 3.00, 24, NULL),
    ('003',   'X0501', N'注射用头孢呋辛钠',      N'西药费', N'1.5g',         N'支',  15.40, 2,  'YJK'),
    ('003',   'T0101', N'静脉输液',              N'治疗费', NULL,            N'组',  8.00,  2,  NULL),
    ('003',   'T0402', N'换药(中)',              N'治疗费', NULL,            N'次',  25.00, 1,  NULL),
    ('004',   'X0633', N'注射用七叶皂苷钠',      N'西药费', N'10mg',         N'支',  36.20, 1,  'YJK'),
    ('004',   'T0101', N'静脉输液',              N'治疗费', NULL,            N'组',  8.00,  1,  NULL),
    ('004',   'T0520', N'骨科牵引',              N'治疗费', NULL,            N'日',  15.00, 1,  NULL)
) AS i (dept_code, item_code, item_name, fee_class, spec, unit, price, qty, exec_dept)
  ON i.dept_code IN ('*', s.dept_code)
ORDER BY s.inp_no, s.d, i.item_code COLLATE Latin1_General_BIN2;

INSERT INTO dbo.inp_fee_detail (inp_no, fee_date, charge_time, item_code, item_name, fee_class, spec, unit, price, qty, amount, order_doctor, exec_dept)
SELECT x.inp_no, DATEADD(day, x.day_no, CAST(i.admit_time AS date)),
       DATEADD(day, DATEDIFF(day, '19000101', i.admit_time) + x.day_no, CAST(x.hms AS datetime)),
       x.item_code, x.item_name, x.fee_class, NULL, x.unit, x.price, x.qty,
       CAST(x.price * x.qty AS decimal(12,2)),
       i.doctor_code, x.exec_dept
FROM (VALUES
    ( 1, '100034567', 0, '11:30:00', 'S1201', N'腹腔镜下阑尾切除术',   N'手术费', N'次', 1350.00, 1, '003'),
    ( 2, '100034567', 0, '11:30:00', 'S9001', N'全身麻醉',             N'麻醉费', N'次', 680.00,  1, '003'),
    ( 3, '100034567', 0, '11:40:00', 'C0211', N'一次性腹腔镜穿刺器',   N'材料费', N'套', 420.00,  1, '003'),
    ( 4, '100034567', 0, '10:50:00', 'L2001', N'血常规(五分类)',       N'检验费', N'次', 20.00,   1, 'JYK'),
    ( 5, '100034567', 0, '10:45:00', 'E3102', N'阑尾彩超',             N'检查费', N'次', 90.00,   1, 'CSK'),
    ( 6, '100038812', 1, '06:15:00', 'L2120', N'肝功能',               N'检验费', N'次', 60.00,   1, 'JYK'),
    ( 7, '100038812', 6, '06:10:00', 'L2001', N'血常规(五分类)',       N'检验费', N'次', 20.00,   1, 'JYK'),
    ( 8, '100038812', 5, '10:25:00', 'E3002', N'胸部CT平扫',           N'检查费', N'次', 180.00,  1, 'FSK'),
    ( 9, '100038790', 0, '14:10:00', 'E3501', N'冠状动脉造影术',       N'手术费', N'次', 3200.00, 1, '002'),
    (10, '100038790', 0, '14:20:00', 'C0520', N'造影导管',             N'材料费', N'根', 268.00,  1, '002'),
    (11, '100038845', 1, '09:00:00', 'S2305', N'胫骨骨折切开复位内固定术', N'手术费', N'次', 2600.00, 1, '004'),
    (12, '100038845', 1, '09:10:00', 'C0830', N'锁定接骨板(胫骨)',     N'材料费', N'套', 4860.00, 1, '004')
) AS x (seq, inp_no, day_no, hms, item_code, item_name, fee_class, unit, price, qty, exec_dept)
JOIN dbo.inpatient i ON i.inp_no = x.inp_no
ORDER BY x.seq;
GO

------------------------------------------------------------------------------
-- 一卡通
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

INSERT INTO dbo.ecard_account (card_no, patient_id, balance, status, open_time, update_time) VALUES
    ('100034567', '6000234', 203.67, '0', '2019-03-11T08:42:10', DATEADD(day, @day - 60, CAST('10:31:22' AS datetime))),
    ('500000003', '6000234', 120.00, '0', '2022-08-19T09:13:27', DATEADD(day, @day - 21, CAST('08:02:40' AS datetime))),
    ('12345678',  '123',     56.80,  '0', '2009-06-02T10:15:32', DATEADD(day, @day - 45, CAST('09:40:18' AS datetime))),
    ('100060072', '6000252', 0.00,   '0', '2020-05-14T08:20:19', NULL),
    ('100070311', '6000263', 88.50,  '1', '2021-09-16T07:58:31', DATEADD(day, @day - 5, CAST('07:52:10' AS datetime)));

INSERT INTO dbo.ecard_txn (card_no, txn_type, amount, balance_after, pay_way, trade_no, txn_time, remark)
SELECT t.card_no, t.txn_type, t.amount, t.balance_after, t.pay_way, t.trade_no, DATEADD(day, @day + t.day_off, CAST(t.hms AS datetime)), t.remark
FROM (VALUES
    (1, '100034567', '1', 300.00, 300.00, N'现金', NULL, -90, '08:50:11', N'窗口充值'),
    (2, '100034567', '2', 96.33,  203.67, NULL,    NULL, -60, '10:31:22', N'门诊缴费'),
    (3, '500000003', '1', 200.00, 200.00, N'微信', 'EH05' + CONVERT(char(6), DATEADD(day, -40, @today), 12) + '0004214424',
        -40, '21:18:06', N'睿博平台充值'),
    (4, '500000003', '2', 80.00,  120.00, NULL,    NULL, -21, '08:02:40', N'门诊缴费'),
    (5, '12345678',  '1', 100.00, 100.00, N'现金', NULL, -50, '16:20:00', N'窗口充值'),
    (6, '12345678',  '2', 43.20,  56.80,  NULL,    NULL, -45, '09:40:18', N'门诊缴费'),
    (7, '100070311', '1', 100.00, 100.00, N'现金', NULL, -30, '08:10:45', N'窗口充值'),
    (8, '100070311', '2', 11.50,  88.50,  NULL,    NULL, -30, '09:05:12', N'门诊缴费')
) AS t (seq, card_no, txn_type, amount, balance_after, pay_way, trade_no, day_off, hms, remark)
ORDER BY t.seq;
GO

------------------------------------------------------------------------------
-- 分诊排队 (today)
------------------------------------------------------------------------------

DECLARE @today date, @day int;
SELECT @today = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @day = DATEDIFF(day, '19000101', @today);

-- Named patients first; the other places in each queue are filled below.
INSERT INTO dbo.queue_list (queue_date, dept_code, doctor_code, queue_no, patient_name, card_no, patient_id, register_id, status, sign_time, call_time)
SELECT @today, r.dept_code, r.doctor_code, r.queue_no, p.name, r.card_no, r.patient_id, r.register_id, x.status,
       DATEADD(minute, -20, DATEADD(day, DATEDIFF(day, '19000101', r.visit_date), CAST(r.visit_time AS datetime))),
       CASE WHEN x.status IN ('1', '2')
            THEN DATEADD(minute, 7, DATEADD(day, DATEDIFF(day, '19000101', r.visit_date), CAST(r.visit_time AS datetime))) END
FROM (VALUES (1, '123', '1'), (2, '125', '2'), (3, '126', '2'), (4, '127', '0')) AS x (seq, clinic_no, status)
JOIN dbo.outp_register r ON r.clinic_no = x.clinic_no
JOIN dbo.patient p ON p.patient_id = r.patient_id
ORDER BY x.seq;

-- Fillers: (dept, doctor, last number, number being seen). Numbers below it
-- are done, numbers above it are waiting. A number a named patient holds is
-- skipped. Numbered as the SQLite demo numbers them: number 1 of every
-- queue, then number 2 of every queue, ...
WITH q (qseq, dept_code, doctor_code, last_no, now_no, start_time) AS (
    SELECT * FROM (VALUES
        (1, 'd0001', 'd0001', 30, 20, '13:20:00'),
        (2, 'd0001', NULL,    14,  9, '07:30:00'),
        (3, '009',   '456',   14,  9, '07:30:00'),
        (4, '001',   'd001',  10,  7, '07:30:00'),
        (5, '011',   '0601',   8,  5, '07:40:00')
    ) AS v (qseq, dept_code, doctor_code, last_no, now_no, start_time)
),
n (qseq, dept_code, doctor_code, last_no, now_no, start_time, k) AS (
    SELECT qseq, dept_code, doctor_code, last_no, now_no, start_time, 1 FROM q
    UNION ALL
    SELECT qseq, dept_code, doctor_code, last_no, now_no, start_time, k + 1 FROM n WHERE k < last_no
)
INSERT INTO dbo.queue_list (queue_date, dept_code, doctor_code, queue_no, patient_name, card_no, patient_id, register_id, status, sign_time, call_time)
SELECT @today, n.dept_code, n.doctor_code, n.k,
       SUBSTRING(N'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高', (n.k * 7 + LEN(n.dept_code)) % 20 + 1, 1)
           + SUBSTRING(N'建国秀兰志强丽娟海涛春梅小红文斌桂英明辉晓燕国华玉珍俊杰淑芬', ((n.k * 11 + LEN(n.dept_code)) % 15) * 2 + 1, 2),
       '1000' + CAST(71000 + n.k * 37 + LEN(n.dept_code) * 1000 AS varchar(10)), NULL, NULL,
       CASE WHEN n.k < n.now_no THEN '2' WHEN n.k = n.now_no THEN '1' ELSE '0' END,
       DATEADD(minute, n.k * 4, DATEADD(day, @day, CAST(n.start_time AS datetime))),
       CASE WHEN n.k <= n.now_no THEN DATEADD(minute, 40 + n.k * 6, DATEADD(day, @day, CAST(n.start_time AS datetime))) END
FROM n
WHERE NOT EXISTS (SELECT 1 FROM dbo.queue_list x
                  WHERE x.queue_date = @today AND x.dept_code = n.dept_code AND x.queue_no = n.k
                    AND (x.doctor_code = n.doctor_code OR (x.doctor_code IS NULL AND n.doctor_code IS NULL)))
ORDER BY n.k, n.qseq;
GO

------------------------------------------------------------------------------
-- 收费流水: registrations, prescriptions, prepayments, e-card top-ups
------------------------------------------------------------------------------

-- 挂号费 (paid and refunded registrations)
INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT 'SF' + SUBSTRING(r.register_id, 3, 30), '1', r.register_id, r.patient_id, r.reg_fee,
       CASE r.reg_way WHEN '3' THEN N'微信' ELSE N'现金' END,
       CASE r.reg_way WHEN '3' THEN 'wechatMP' END,
       r.trade_no, '0', NULL, r.invoice_no, r.reg_time,
       CASE r.reg_way WHEN '3' THEN N'睿博平台' WHEN '2' THEN N'自助机' ELSE N'收费员王静' END
FROM dbo.outp_register r
WHERE r.status IN ('1', '9');

INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT 'TF' + SUBSTRING(r.register_id, 3, 30), '1', r.register_id, r.patient_id, r.reg_fee, N'现金', NULL, NULL, '1',
       'TF' + SUBSTRING(r.register_id, 3, 30), r.invoice_no, r.cancel_time, N'收费员王静'
FROM dbo.outp_register r
WHERE r.status = '9';

-- 门诊缴费 (paid prescriptions)
INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT m.pay_id, '2', m.rx_no, m.patient_id,
       (SELECT SUM(d.amount) FROM dbo.rx_detail d WHERE d.rx_no = m.rx_no),
       N'现金', NULL, NULL, '0', NULL, m.invoice_no, m.charge_time, N'收费员王静'
FROM dbo.rx_master m
WHERE m.charge_status = '1';

-- 住院预交金 and 一卡通充值
INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT 'YJ' + RIGHT('0000000' + CAST(y.prepay_id AS varchar(10)), 8), '3', y.inp_no, i.patient_id, y.amount, y.pay_way,
       CASE WHEN y.trade_no IS NOT NULL THEN 'wechatNo' END, y.trade_no, '0', NULL, y.receipt_no, y.pay_time, y.operator
FROM dbo.inp_prepay y
JOIN dbo.inpatient i ON i.inp_no = y.inp_no;

INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT 'CZ' + RIGHT('0000000' + CAST(t.txn_id AS varchar(10)), 8), '4', t.card_no, a.patient_id, t.amount, t.pay_way,
       CASE WHEN t.trade_no IS NOT NULL THEN 'wechatNo' END, t.trade_no, '0', NULL, NULL, t.txn_time,
       CASE WHEN t.trade_no IS NOT NULL THEN N'睿博平台' ELSE N'收费员王静' END
FROM dbo.ecard_txn t
JOIN dbo.ecard_account a ON a.card_no = t.card_no
WHERE t.txn_type = '1';

------------------------------------------------------------------------------
-- 序列
------------------------------------------------------------------------------

INSERT INTO dbo.sys_sequence (seq_name, cur_val) VALUES
    ('patient_id', 6000300),
    ('card_no',    100080000),
    ('register_seq', 40),      -- register_id = 'GH' + yyyymmdd + 4-digit seq
    ('clinic_no',  131),
    ('rx_seq',     500),
    ('inp_no',     100038900),
    ('invoice_no', 1000),
    ('pay_seq',    1000);
GO
