-- 睿博演示医院: seed data (MySQL 8 / MariaDB 10.11; run once, after
-- schema.sql, when the database is created). The same hospital as
-- sql/demo-his/sqlite/seed.sql and sql/demo-his/mssql/seed.sql, row for row.
--
-- Every date is relative to the day the database is created, so the demo
-- always has sessions from today on, reports from the last month, and so on.
-- That day is recorded first, as demo_meta 'as_of', and read back once into
-- the session variable @today (so a load running past midnight stays on one
-- day). roll.sql (run at every start) moves every date forward when the
-- database is reused on a later day and keeps the roster window topped up.
-- For that to work:
--   * a date that describes demo time is written relative to as_of and lies
--     within a year before it (today the oldest is 90 days);
--   * fixed history (建档 / 发卡 / 开户 in 2009-2024) is written as literals
--     more than a year old: roll.sql leaves such values where they are;
--   * birth dates are facts about the person (and part of the 身份证号):
--     never moved.
--
-- Conventions of this script (one batch on one connection: @today lives as
-- long as it):
--   * @today + INTERVAL n DAY is the date n days from as_of, and
--     TIMESTAMP(@today + INTERVAL n DAY, 'HH:MM:SS') that day at that time (a
--     datetime, whole seconds): "21 days ago at 10:20:36" is
--     TIMESTAMP(@today + INTERVAL -21 DAY, '10:20:36');
--   * weekdays: WEEKDAY(d) + 1 is 1 = Monday .. 7 = Sunday;
--   * a list of rows written in the script is a derived table of
--     SELECT ... UNION ALL SELECT ... (the first SELECT names the columns),
--     a series of days or numbers a recursive CTE;
--   * rows of AUTO_INCREMENT tables are inserted with INSERT ... SELECT ...
--     ORDER BY, so their ids are the ones the SQLite and T-SQL demos give
--     them; text columns are utf8mb4_bin, so they sort bytewise as SQLite's;
--   * integer arithmetic that SQLite truncates is written with DIV (MySQL's
--     '/' gives a decimal); text is joined with CONCAT (|| is OR in MySQL).
--
-- The identities used by the spec's own request examples are seeded here:
--   patients   张三 (cards 100034567 / 300000040 / 500000003, 身份证 …8766, 住院号 100034567)
--              李明 (card 12345678, 病人ID 123, in hospital, unpaid prescriptions
--                    20150309001 / 20150309002, 就诊号 123, queue number 9 in 皮肤科门诊)
--   depts      100001 d0001 001 c0002 009, doctors d0001 d001 D0032 456
--   schedule   r001 = 消化内科 001 / d001, today 上午
--   reports    LIS 831409bb44d34f1097c81f69948e5d3d (李明); the PACS system has a
--              report with the same id (李美), as in the 7.3 example

-- The day this data describes (see roll.sql).
INSERT INTO demo_meta (`key`, value) VALUES ('as_of', DATE_FORMAT(CURDATE(), '%Y-%m-%d'));

SET @today = (SELECT CAST(m.value AS date) FROM demo_meta m WHERE m.`key` = 'as_of');

-- ---------------------------------------------------------------------------
-- 字典
-- ---------------------------------------------------------------------------

INSERT INTO title_dict (title_code, title_name) VALUES
    ('231', '主任医师'),
    ('232', '副主任医师'),
    ('233', '主治医师'),
    ('234', '医师');

INSERT INTO dept_dict (dept_code, dept_name, parent_code, dept_level, dept_type, py_code, location, logo_url, intro, feature, sort_no) VALUES
    -- 一级科室
    ('NK00', '内科', NULL, '1', '门诊', 'NK', '门诊楼二、三楼', 'https://www.rbdemo-hospital.cn/static/dept/nk.png',
     '内科设呼吸、消化、心血管、风湿免疫等专科，承担全院内科疾病的门诊与住院诊疗。', '多学科联合诊疗，慢病全程管理', 10),
    ('WK00', '外科', NULL, '1', '门诊', 'WK', '门诊楼四楼', 'https://www.rbdemo-hospital.cn/static/dept/wk.png',
     '外科设普通外科、骨科等专科，开展常规及微创手术。', '微创外科，加速康复外科(ERAS)', 20),
    ('KQ00', '口腔科', NULL, '1', '门诊', 'KQ', '门诊楼一楼东侧', 'https://www.rbdemo-hospital.cn/static/dept/kq.png',
     '口腔科设口腔内科、口腔修复科，开展牙体牙髓、牙周及修复治疗。', '显微根管治疗，数字化修复', 30),
    ('PF00', '皮肤性病科', NULL, '1', '门诊', 'PFXB', '门诊楼五楼', 'https://www.rbdemo-hospital.cn/static/dept/pf.png',
     '诊治各类皮肤病及性传播疾病。', '过敏性皮肤病诊治，皮肤镜检查', 40),
    ('FC00', '妇产科', NULL, '1', '门诊', 'FCK', '门诊楼六楼', 'https://www.rbdemo-hospital.cn/static/dept/fc.png',
     '妇产科设妇科、产科门诊及病房。', '宫颈疾病筛查，妇科微创手术', 50),
    ('EK00', '儿科', NULL, '1', '门诊', 'EK', '儿科楼一楼', 'https://www.rbdemo-hospital.cn/static/dept/ek.png',
     '儿科诊治新生儿至14岁儿童常见病、多发病。', '儿童呼吸道疾病、儿童哮喘规范化诊治', 60),
    -- 二级科室 (门诊)
    ('d0001', '呼吸内科', 'NK00', '2', '门诊', 'HXNK', '门诊楼二楼A区', 'https://www.rbdemo-hospital.cn/static/dept/hxnk.png',
     '呼吸内科诊治慢性阻塞性肺疾病、支气管哮喘、肺炎、肺部结节等呼吸系统疾病，设呼吸病区48张床位。',
     '慢阻肺与哮喘规范化管理，支气管镜诊疗，肺结节随访门诊', 11),
    ('100001', '呼吸内科(东院)', 'NK00', '2', '门诊', 'HXNKDY', '东院区门诊楼一楼', 'https://www.rbdemo-hospital.cn/static/dept/hxnk.png',
     '东院区呼吸内科门诊，由本部呼吸内科专家每日上午坐诊。', '东院区呼吸专家门诊，肺功能检查', 12),
    ('001', '消化内科', 'NK00', '2', '门诊', 'XHNK', '门诊楼二楼B区', 'https://www.rbdemo-hospital.cn/static/dept/xhnk.png',
     '消化内科诊治胃炎、消化性溃疡、肝病、炎症性肠病等消化系统疾病。', '无痛胃肠镜，幽门螺杆菌规范化根除', 13),
    ('002', '心血管内科', 'NK00', '2', '门诊', 'XXGNK', '门诊楼三楼A区', 'https://www.rbdemo-hospital.cn/static/dept/xxgnk.png',
     '心血管内科诊治高血压、冠心病、心律失常、心力衰竭等疾病。', '胸痛中心，冠脉介入诊疗', 14),
    ('c0002', '风湿免疫科', 'NK00', '2', '门诊', 'FSMYK', '门诊楼三楼B区', 'https://www.rbdemo-hospital.cn/static/dept/fsmy.png',
     '风湿免疫科诊治类风湿关节炎、系统性红斑狼疮、痛风等风湿免疫病。', '痛风专病门诊，生物制剂规范治疗', 15),
    ('003', '普通外科', 'WK00', '2', '门诊', 'PTWK', '门诊楼四楼A区', 'https://www.rbdemo-hospital.cn/static/dept/ptwk.png',
     '普通外科开展胃肠、肝胆、甲状腺、乳腺及疝等手术。', '腹腔镜微创手术，日间手术', 21),
    ('004', '骨科', 'WK00', '2', '门诊', 'GK', '门诊楼四楼B区', 'https://www.rbdemo-hospital.cn/static/dept/gk.png',
     '骨科诊治创伤骨折、脊柱及关节疾病。', '关节置换，创伤骨科微创内固定', 22),
    ('005', '口腔内科', 'KQ00', '2', '门诊', 'KQNK', '门诊楼一楼东侧101', 'https://www.rbdemo-hospital.cn/static/dept/kqnk.png',
     '擅长牙体、牙周疾病的诊治，口腔黏膜疾病的诊治。', '显微根管治疗', 31),
    ('006', '口腔修复科', 'KQ00', '2', '门诊', 'KQXFK', '门诊楼一楼东侧105', 'https://www.rbdemo-hospital.cn/static/dept/kqxf.png',
     '开展各种牙齿缺损、缺失的固定及活动修复。', '数字化全瓷修复', 32),
    ('009', '皮肤科门诊', 'PF00', '2', '门诊', 'PFKMZ', '门诊楼五楼A区', 'https://www.rbdemo-hospital.cn/static/dept/pfk.png',
     '诊治湿疹、皮炎、荨麻疹、痤疮、银屑病等常见皮肤病。', '过敏原检测，皮肤镜，光疗', 41),
    ('010', '妇科', 'FC00', '2', '门诊', 'FK', '门诊楼六楼A区', 'https://www.rbdemo-hospital.cn/static/dept/fk.png',
     '诊治妇科炎症、妇科肿瘤、月经病等，开展宫颈癌筛查。', '宫颈癌三阶梯筛查，宫腹腔镜手术', 51),
    ('011', '儿科门诊', 'EK00', '2', '门诊', 'EKMZ', '儿科楼一楼', 'https://www.rbdemo-hospital.cn/static/dept/ekmz.png',
     '诊治儿童呼吸、消化及发热性疾病。', '儿童哮喘门诊，雾化治疗', 61),
    -- 医技及药剂 (not offered to patients for registration)
    ('JYK', '检验科', NULL, '2', '医技', 'JYK', '门诊楼一楼西侧', NULL, NULL, NULL, 90),
    ('FSK', '放射科', NULL, '2', '医技', 'FSK', '医技楼一楼', NULL, NULL, NULL, 91),
    ('CSK', '超声科', NULL, '2', '医技', 'CSK', '医技楼二楼', NULL, NULL, NULL, 92),
    ('BLK', '病理科', NULL, '2', '医技', 'BLK', '医技楼三楼', NULL, NULL, NULL, 93),
    ('YJK', '药剂科', NULL, '2', '医技', 'YJK', '门诊楼一楼', NULL, NULL, NULL, 94);

INSERT INTO ward_dict (ward_code, ward_name, dept_code, campus) VALUES
    ('W01', '呼吸内科病区(住院楼5楼)', 'd0001', '总院'),
    ('W02', '心血管内科病区(住院楼6楼)', '002', '总院'),
    ('W03', '普外科病区(住院楼8楼)', '003', '总院'),
    ('W04', '骨科病区(住院楼9楼)', '004', '总院');

INSERT INTO doctor_dict (doctor_code, doctor_name, sex, dept_code, title_code, academic_title, specialty, intro, photo_url, expert_flag) VALUES
    ('d0001', '吴卫中', '1', 'd0001', '231', '教授',
     '慢性阻塞性肺疾病、支气管哮喘、肺部感染及肺结节的诊治',
     '呼吸内科主任，从事呼吸内科临床工作三十年，省医学会呼吸病学分会委员。每日上午在东院区坐诊。',
     'https://www.rbdemo-hospital.cn/static/doctor/d0001.jpg', '1'),
    ('D0017', '孙丽', '2', 'd0001', '233', '讲师',
     '呼吸道感染、支气管哮喘的诊治',
     '医学硕士，呼吸内科病区主治医师，擅长肺部感染的规范化抗感染治疗。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0017.jpg', '0'),
    ('d001', '周建国', '1', '001', '232', '副教授',
     '胃食管反流病、消化性溃疡、幽门螺杆菌感染，无痛胃肠镜诊疗',
     '消化内科副主任，完成消化内镜诊疗一万余例。',
     'https://www.rbdemo-hospital.cn/static/doctor/d001.jpg', '1'),
    ('0512', '黄伟', '1', '001', '233', NULL,
     '功能性胃肠病、慢性胃炎',
     '消化内科主治医师，从事消化内科临床工作十年。',
     NULL, '0'),
    ('D0041', '王海燕', '2', '002', '231', '教授',
     '高血压、冠心病及心力衰竭的诊治，冠脉介入治疗',
     '心血管内科主任，胸痛中心负责人，省介入心脏病学专委会委员。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0041.jpg', '1'),
    ('D0032', '李玲', '2', 'c0002', '231', '副教授',
     '类风湿关节炎、系统性红斑狼疮、痛风及强直性脊柱炎',
     '风湿免疫科主任医师，从事风湿免疫病临床与研究二十余年。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0032.jpg', '1'),
    ('D0045', '陈志强', '1', '003', '232', NULL,
     '胆囊结石、阑尾炎、疝的腹腔镜微创手术',
     '普通外科副主任医师，擅长腹腔镜胆囊、阑尾及疝修补手术。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0045.jpg', '1'),
    ('0533', '刘建军', '1', '004', '231', '教授',
     '髋膝关节置换、四肢骨折微创内固定',
     '骨科主任，关节外科带头人。',
     'https://www.rbdemo-hospital.cn/static/doctor/0533.jpg', '1'),
    ('D0058', '赵敏', '2', '005', '233', NULL,
     '龋病、牙髓病及根尖周病的显微根管治疗',
     '口腔内科主治医师。',
     NULL, '0'),
    ('456', '张三', '1', '009', '232', '副教授',
     '湿疹、特应性皮炎、荨麻疹等过敏性皮肤病，痤疮及银屑病',
     '皮肤科副主任医师，擅长过敏性皮肤病的诊治及过敏原检测解读。',
     'https://www.rbdemo-hospital.cn/static/doctor/456.jpg', '1'),
    ('D0063', '郑红', '2', '010', '231', '教授',
     '宫颈病变、子宫肌瘤、卵巢囊肿的诊治及宫腹腔镜手术',
     '妇科主任，宫颈疾病诊治中心负责人。',
     'https://www.rbdemo-hospital.cn/static/doctor/D0063.jpg', '1'),
    ('0601', '钱坤', '1', '011', '233', NULL,
     '小儿呼吸道感染、儿童哮喘',
     '儿科主治医师，儿童哮喘门诊负责医师。',
     NULL, '0');

-- 号源时间点: 上午 08:00-12:00 每半小时一个点 (8 个), 下午 14:00-17:00 (6 个)
INSERT INTO time_point_dict (ampm, point_no, visit_time) VALUES
    ('上午', 1, '08:00'), ('上午', 2, '08:30'), ('上午', 3, '09:00'), ('上午', 4, '09:30'),
    ('上午', 5, '10:00'), ('上午', 6, '10:30'), ('上午', 7, '11:00'), ('上午', 8, '11:30'),
    ('下午', 1, '14:00'), ('下午', 2, '14:30'), ('下午', 3, '15:00'), ('下午', 4, '15:30'),
    ('下午', 5, '16:00'), ('下午', 6, '16:30');

-- 排班模板 (week_days: 1 = 星期一 .. 7 = 星期日)
INSERT INTO schedule_tpl (tpl_id, dept_code, doctor_code, ampm, clinic_type, week_days, time_quantum, nums_per_point, reg_fee) VALUES
    ( 1, 'd0001',  'd0001', '下午', '专家门诊', '1234567', '14:00-17:00', 3, 25.00),
    ( 2, '100001', 'd0001', '上午', '专家门诊', '1234567', '08:00-12:00', 3, 25.00),
    ( 3, 'd0001',  NULL,    '上午', '普通门诊', '1234567', '08:00-12:00', 6, 12.00),
    ( 4, 'd0001',  'D0017', '下午', '普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    ( 5, '001',    'd001',  '上午', '专家门诊', '1234567', '08:00-12:00', 3, 18.00),
    ( 6, '001',    NULL,    '上午', '普通门诊', '12345',   '08:00-12:00', 6, 12.00),
    ( 7, '001',    '0512',  '下午', '普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    ( 8, '002',    'D0041', '下午', '专家门诊', '1234567', '14:00-17:00', 3, 25.00),
    ( 9, '002',    NULL,    '上午', '普通门诊', '123456',  '08:00-12:00', 6, 12.00),
    (10, 'c0002',  'D0032', '上午', '专家门诊', '1234567', '08:00-12:00', 3, 15.00),
    (11, '003',    'D0045', '上午', '专家门诊', '1234567', '08:00-12:00', 3, 18.00),
    (12, '003',    NULL,    '下午', '普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    (13, '004',    '0533',  '上午', '专家门诊', '246',     '08:00-12:00', 3, 25.00),
    (14, '004',    NULL,    '上午', '普通门诊', '1234567', '08:00-12:00', 6, 12.00),
    (15, '005',    'D0058', '上午', '普通门诊', '123456',  '08:00-12:00', 6, 12.00),
    (16, '006',    NULL,    '下午', '普通门诊', '12345',   '14:00-17:00', 6, 12.00),
    (17, '009',    '456',   '上午', '专家门诊', '1234567', '08:00-12:00', 3, 18.00),
    (18, '009',    '456',   '下午', '专家门诊', '1234567', '14:00-17:00', 3, 18.00),
    (19, '010',    'D0063', '上午', '专家门诊', '1234567', '08:00-12:00', 3, 25.00),
    (20, '011',    '0601',  '上午', '普通门诊', '1234567', '08:00-12:00', 6, 12.00),
    (21, '011',    NULL,    '下午', '普通门诊', '1234567', '14:00-17:00', 6, 12.00),
    (22, '100001', NULL,    '下午', '普通门诊', '1234567', '14:00-17:00', 6, 12.00);

-- ---------------------------------------------------------------------------
-- 排班: the last 30 days (history) and the next 14 days, from the roster
-- ---------------------------------------------------------------------------

-- A session created by the old system before the roster ids were introduced:
-- 消化内科 周建国 today morning keeps its legacy id r001.
INSERT INTO schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT 'r001', t.tpl_id, CAST(@today AS date), t.ampm, t.dept_code, t.doctor_code, t.clinic_type,
       t.time_quantum, t.reg_fee, '1', TIMESTAMP(@today + INTERVAL -14 DAY, '06:00:00')
FROM schedule_tpl t
WHERE t.tpl_id = 5;

-- Every roster line on every day it runs, today-30 .. today+13. A session
-- that exists already (r001) is skipped.
INSERT INTO schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
WITH RECURSIVE days (n, d) AS (
    SELECT -30, CAST(@today + INTERVAL -30 DAY AS date)
    UNION ALL
    SELECT n + 1, d + INTERVAL 1 DAY FROM days WHERE n < 13
)
SELECT x.schedule_id, x.tpl_id, x.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       TIMESTAMP(x.d - INTERVAL 14 DAY, '06:00:00')
FROM (
    SELECT CONCAT('PB', DATE_FORMAT(days.d, '%Y%m%d'),
                  CASE WHEN t.tpl_id < 1000 THEN LPAD(t.tpl_id, 3, '0') ELSE t.tpl_id END) AS schedule_id,
           t.tpl_id, days.d
    FROM days
    JOIN schedule_tpl t
      ON t.valid_flag = '1'
     AND INSTR(t.week_days, WEEKDAY(days.d) + 1) > 0
) AS x
JOIN schedule_tpl t ON t.tpl_id = x.tpl_id
WHERE NOT EXISTS (SELECT 1 FROM schedule s
                  WHERE s.schedule_id = x.schedule_id
                     OR (s.tpl_id = x.tpl_id AND s.clinic_date = x.d))
ORDER BY x.d, x.tpl_id;

-- 号源: every time point of every session. Past sessions are (nearly) full;
-- upcoming ones fill up the nearer they are; some time points are full.
-- (CAST(julianday(d) AS INTEGER) of the SQLite seed is
-- DATEDIFF(d, '1900-01-01') + 2415020.) Slots are numbered in the order the
-- sessions were created: r001, then day by day, department, doctor.
INSERT INTO schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       CASE
           WHEN s.clinic_date < CAST(@today AS date)
               THEN t.nums_per_point - (t.tpl_id + p.point_no) % 2
           ELSE ((t.tpl_id * 7 + p.point_no * 5 + (DATEDIFF(s.clinic_date, '1900-01-01') + 2415020) * 3) % (t.nums_per_point + 1))
                * (14 - DATEDIFF(s.clinic_date, @today)) DIV 14
       END
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN time_point_dict p ON p.ampm = s.ampm
WHERE NOT EXISTS (SELECT 1 FROM schedule_slot x WHERE x.schedule_id = s.schedule_id AND x.point_no = p.point_no)
ORDER BY CASE WHEN s.schedule_id = 'r001' THEN 0 ELSE 1 END, s.clinic_date,
         s.dept_code, s.doctor_code, s.ampm, s.tpl_id, p.point_no;

-- The one stopped session: 王海燕's first session two or more days ahead.
UPDATE schedule
SET status = '0', stop_reason = '医生外出参加学术会议', stop_time = CAST(NOW() AS datetime)
WHERE doctor_code = 'D0041' AND clinic_date >= @today + INTERVAL 2 DAY
ORDER BY clinic_date, ampm
LIMIT 1;

-- ---------------------------------------------------------------------------
-- 病人与卡
-- ---------------------------------------------------------------------------

-- 张三's 身份证 ends in 8766 like the spec's masked examples (430702xxxxxxxx8766).
INSERT INTO patient (patient_id, name, sex, birth_date, id_type, id_no, phone, address, create_time) VALUES
    ('123',     '李明',   '1', '2002-03-18', '01', '320102200203180515', '13905171234', '南京市玄武区中山路18号',       '2009-06-02 10:15:32'),
    ('6000234', '张三',   '1', '2006-11-14', '01', '430702200611148766', '13122114826', '湖南省常德市武陵区朗州路66号', '2019-03-11 08:42:10'),
    ('6000236', '李美',   '2', '2002-06-09', '01', '320104200206091289', '13776602219', '南京市秦淮区长乐路201号',     '2019-04-20 14:05:47'),
    ('6000241', '王芳',   '2', '1968-04-22', '01', '320106196804220646', '13851739960', '南京市鼓楼区湖南路9号',       '2019-07-08 09:30:02'),
    ('6000247', '赵强',   '1', '1955-09-03', '01', '320111195509030176', '13605176631', '南京市浦口区江浦街道文德路3号', '2019-11-23 15:12:40'),
    ('6000252', '陈静',   '2', '1990-12-15', '01', '320113199012150261', '18951708872', '南京市栖霞区仙林大道163号',   '2020-05-14 08:20:19'),
    ('6000258', '刘洋',   '1', '2015-07-30', '01', '320115201507300332', '15850521148', '南京市江宁区双龙大道1288号', '2021-02-03 19:40:55'),
    ('6000263', '孙秀英', '2', '1949-02-11', '01', '32010219490211042X', '02584561230', '南京市玄武区北京东路41号',   '2021-09-16 07:58:31'),
    ('6000270', '李思思', '2', '1998-05-20', '01', '320105199805200644', '17761609925', '南京市建邺区江东中路98号',   '2023-01-05 11:26:03'),
    ('6000275', '周建华', '1', '1979-10-08', '01', '320124197910080752', '13770711583', '南京市溧水区永阳街道交通路5号', '2024-06-19 16:44:12');

INSERT INTO card (card_no, patient_id, card_type, status, issue_time, status_time) VALUES
    ('12345678',  '123',     '1', '0', '2009-06-02 10:15:32', NULL),
    ('100034567', '6000234', '1', '0', '2019-03-11 08:42:10', NULL),
    ('300000040', '6000234', '2', '0', '2021-05-06 12:01:44', NULL),
    ('500000003', '6000234', '3', '0', '2022-08-19 09:13:27', NULL),
    ('100052306', '6000236', '1', '0', '2019-04-20 14:05:47', NULL),
    ('100045210', '6000241', '1', '0', '2019-07-08 09:30:02', NULL),
    ('100051337', '6000247', '1', '0', '2019-11-23 15:12:40', NULL),
    ('100060072', '6000252', '1', '0', '2020-05-14 08:20:19', NULL),
    ('100061188', '6000258', '1', '0', '2021-02-03 19:40:55', NULL),
    ('100070311', '6000263', '1', '1', '2021-09-16 07:58:31', TIMESTAMP(@today + INTERVAL -5 DAY, '07:52:10')),
    ('100070342', '6000263', '1', '0', TIMESTAMP(@today + INTERVAL -5 DAY, '07:55:48'), NULL),
    ('xn001',     '6000270', '4', '0', '2023-01-05 11:26:03', NULL),
    ('100066519', '6000275', '1', '0', '2024-06-19 16:44:12', NULL);

-- ---------------------------------------------------------------------------
-- 挂号 / 预约
-- ---------------------------------------------------------------------------

-- 李明's visit 45 days ago: its session has been archived (schedule_id NULL).
INSERT INTO outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                           visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                           trade_no, invoice_no, reg_time, see_time, cancel_time)
VALUES (CONCAT('GH', DATE_FORMAT((@today + INTERVAL -45 DAY), '%Y%m%d'), '0003'), '096', '123', '12345678', NULL, NULL,
        '001', 'd001', '专家门诊', (@today + INTERVAL -45 DAY), '上午', '09:00', 18.00, '1', '1', '1', '1', 4,
        NULL, CONCAT('MZ0026', DATE_FORMAT((@today + INTERVAL -45 DAY), '%m%d'), '0012'),
        TIMESTAMP(@today + INTERVAL -45 DAY, '07:48:20'), TIMESTAMP(@today + INTERVAL -45 DAY, '09:06:00'), NULL);

-- The others, joined to their session and time point.
-- day_off = visit day relative to today; reg_off = day the registration was made.
-- (DATE_FORMAT(d, '%y%m%d') is yymmdd.)
INSERT INTO outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                           visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                           trade_no, invoice_no, reg_time, see_time, cancel_time)
SELECT CONCAT('GH', DATE_FORMAT(s.clinic_date, '%Y%m%d'), v.seq), v.clinic_no, v.patient_id, v.card_no,
       s.schedule_id, sl.slot_id, s.dept_code, s.doctor_code, s.clinic_type,
       s.clinic_date, s.ampm, sl.visit_time, s.reg_fee, v.reg_type, v.reg_way, v.status, v.visit_status, v.queue_no,
       v.trade_no,
       CASE WHEN v.status IN ('1', '9') THEN CONCAT('MZ0026', DATE_FORMAT(s.clinic_date, '%m%d'), v.seq) END,
       TIMESTAMP(@today + INTERVAL v.reg_off DAY, v.reg_hms),
       CASE WHEN v.visit_status = '1' THEN TIMESTAMP(s.clinic_date, sl.visit_time) + INTERVAL 7 MINUTE END,
       CASE WHEN v.status = '9' THEN TIMESTAMP(s.clinic_date, '09:02:18') END
FROM (
    -- 张三: 普外 → admitted the same day (住院号 100034567)
    SELECT '0007' AS seq, '101' AS clinic_no, '6000234' AS patient_id, '100034567' AS card_no, 11 AS tpl_id, -21 AS day_off, 1 AS point_no, '1' AS reg_type, '1' AS reg_way, '1' AS status, '1' AS visit_status, 1 AS queue_no, NULL AS trade_no, -21 AS reg_off, '07:41:12' AS reg_hms UNION ALL
    -- 李明: 呼吸内科 吴卫中, booked on the platform → 血常规 / 胸部CT, admitted 4 days later
    SELECT '0031', '108', '123', '12345678', 1, -10, 2, '2', '3', '1', '1', 3, CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -11 DAY), '%y%m%d'), '0004222224'), -11, '20:16:05' UNION ALL
    -- 李美: 妇科 → TCT
    SELECT '0012', '110', '6000236', '100052306', 19, -8, 3, '1', '2', '1', '1', 5, NULL, -8, '08:02:51' UNION ALL
    -- 陈静: 消化内科 周建国 → 乙肝两对半
    SELECT '0021', '115', '6000252', '100060072', 5, -3, 1, '1', '1', '1', '1', 2, NULL, -3, '07:35:09' UNION ALL
    -- today
    SELECT '0015', '123', '123', '12345678', 17, 0, 3, '1', '1', '1', '1', 9, NULL, 0, '07:50:33' UNION ALL
    SELECT '0004', '124', '6000234', '300000040', 10, 0, 1, '2', '3', '1', '0', NULL, CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -4 DAY), '%y%m%d'), '0004216377'), -4, '21:03:40' UNION ALL
    SELECT '0016', '125', '6000252', '100060072', 5, 0, 2, '1', '2', '1', '1', 6, NULL, 0, '07:58:14' UNION ALL
    SELECT '0019', '126', '6000258', '100061188', 20, 0, 4, '1', '1', '1', '1', 3, NULL, 0, '08:47:26' UNION ALL
    SELECT '0022', '127', '6000263', '100070342', 3, 0, 5, '1', '1', '1', '0', 12, NULL, 0, '09:21:07' UNION ALL
    SELECT '0025', '128', '6000270', 'xn001', 18, 0, 1, '2', '3', '1', '0', NULL, CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -2 DAY), '%y%m%d'), '0004220544'), -2, '12:40:19' UNION ALL
    SELECT '0026', '129', '6000247', '100051337', 8, 0, 2, '1', '1', '9', '0', NULL, NULL, 0, '08:12:45' UNION ALL
    -- upcoming appointments
    SELECT '0002', '130', '6000234', '100034567', 2, 3, 2, '2', '3', '1', '0', NULL, CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -1 DAY), '%y%m%d'), '0004225785'), -1, '19:05:52' UNION ALL
    SELECT '0006', '131', '6000236', '100052306', 10, 5, 3, '2', '3', '0', '0', NULL, NULL, 0, '07:15:36'
) AS v
JOIN schedule s ON s.tpl_id = v.tpl_id AND s.clinic_date = (@today + INTERVAL v.day_off DAY)
JOIN schedule_slot sl ON sl.schedule_id = s.schedule_id AND sl.point_no = v.point_no;

-- ---------------------------------------------------------------------------
-- 处方 (门诊收费项目)
-- ---------------------------------------------------------------------------

-- The spec's example prescriptions 20150309001 / 20150309002 keep their
-- numbers; the HIS numbers the rest by date. 20150309001 totals 190.00 and
-- 20150309002 120.00, the amounts of the 8.2 / 8.3 examples.
INSERT INTO rx_master (rx_no, register_id, patient_id, dept_code, doctor_code, rx_type, diag_code, diag_name, create_time, charge_status, charge_time, invoice_no, pay_id)
SELECT x.rx_no, r.register_id, r.patient_id, r.dept_code, r.doctor_code, x.rx_type, x.diag_code, x.diag_name,
       TIMESTAMP(r.visit_date, x.hms), x.charge_status,
       CASE WHEN x.charge_status = '1' THEN TIMESTAMP(r.visit_date, x.hms) + INTERVAL 6 MINUTE END,
       CASE WHEN x.charge_status = '1' THEN CONCAT('MZ0026', DATE_FORMAT(r.visit_date, '%m%d'), RIGHT(x.rx_no, 4)) END,
       CASE WHEN x.charge_status = '1' THEN CONCAT('SF', DATE_FORMAT(r.visit_date, '%Y%m%d'), RIGHT(x.rx_no, 4)) END
FROM (
    -- 李明 10 days ago (呼吸内科), paid at the window
    SELECT '108' AS clinic_no, CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0311') AS rx_no, '1' AS rx_type, 'J18.900' AS diag_code, '肺炎' AS diag_name, '14:41:27' AS hms, '1' AS charge_status UNION ALL
    SELECT '108', CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0312'), '4', 'J18.900', '肺炎', '14:42:03', '1' UNION ALL
    SELECT '108', CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0313'), '3', 'J18.900', '肺炎', '14:42:40', '1' UNION ALL
    -- 李明 today (皮肤科 张三): not paid yet
    SELECT '123', '20150309001', '1', 'L30.900', '皮炎', '09:14:52', '0' UNION ALL
    SELECT '123', '20150309002', '4', 'L30.900', '皮炎', '09:15:31', '0' UNION ALL
    -- 陈静 3 days ago, paid; today (消化内科 r001) not paid yet
    SELECT '115', CONCAT(DATE_FORMAT((@today + INTERVAL -3 DAY), '%Y%m%d'), '0215'), '4', 'K29.500', '慢性胃炎', '08:20:44', '1' UNION ALL
    SELECT '125', CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0451'), '1', 'K29.500', '慢性胃炎', '08:49:10', '0' UNION ALL
    SELECT '125', CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0452'), '4', 'K29.500', '慢性胃炎', '08:50:02', '0' UNION ALL
    -- 刘洋 today (儿科), already paid
    SELECT '126', CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0463'), '1', 'J06.900', '急性上呼吸道感染', '09:55:37', '1'
) AS x
JOIN outp_register r ON r.clinic_no = x.clinic_no;

INSERT INTO rx_detail (rx_no, line_no, item_code, item_name, spec, unit, price, qty, amount, route_name, freq_name, dose, dose_unit, days, exec_dept)
SELECT x.rx_no, x.line_no, x.item_code, x.item_name, x.spec, x.unit, x.price, x.qty,
       CAST(x.price * x.qty AS decimal(12,2)),
       x.route_name, x.freq_name, x.dose, x.dose_unit, x.days, x.exec_dept
FROM (
    SELECT CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0311') AS rx_no, 1 AS line_no, 'X10231' AS item_code, '阿莫西林克拉维酸钾片' AS item_name, '0.375g*12片' AS spec, '盒' AS unit, 32.60 AS price, 2 AS qty, '口服' AS route_name, '每日三次' AS freq_name, '1' AS dose, '片' AS dose_unit, 7 AS days, 'YJK' AS exec_dept UNION ALL
    SELECT CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0311'), 2, 'X10877', '复方甘草口服溶液', '100ml', '瓶', 6.80, 1, '口服', '每日三次', '10', 'ml', 7, 'YJK' UNION ALL
    SELECT CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0312'), 1, 'L20001', '血常规(五分类)', NULL, '次', 20.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK' UNION ALL
    SELECT CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0312'), 2, 'L20115', 'C反应蛋白测定(CRP)', NULL, '次', 15.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK' UNION ALL
    SELECT CONCAT(DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0313'), 1, 'E30021', '胸部CT平扫', NULL, '次', 180.00, 1, NULL, NULL, NULL, NULL, NULL, 'FSK' UNION ALL
    SELECT '20150309001', 1, 'X11520', '依巴斯汀片', '10mg*10片', '盒', 38.50, 2, '口服', '每日一次', '1', '片', 14, 'YJK' UNION ALL
    SELECT '20150309001', 2, 'X13306', '他克莫司软膏', '0.1%:10g', '支', 113.00, 1, '外用', '每日两次', '适量', NULL, 14, 'YJK' UNION ALL
    SELECT '20150309002', 1, 'L20532', '血清总IgE测定', NULL, '次', 80.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK' UNION ALL
    SELECT '20150309002', 2, 'L20540', '吸入性过敏原筛查', NULL, '次', 40.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK' UNION ALL
    SELECT CONCAT(DATE_FORMAT((@today + INTERVAL -3 DAY), '%Y%m%d'), '0215'), 1, 'L20310', '乙肝两对半定量', NULL, '次', 65.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK' UNION ALL
    SELECT CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0451'), 1, 'X10452', '奥美拉唑肠溶胶囊', '20mg*14粒', '盒', 24.80, 2, '口服', '每日两次', '1', '粒', 14, 'YJK' UNION ALL
    SELECT CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0451'), 2, 'X10618', '铝碳酸镁咀嚼片', '0.5g*20片', '盒', 27.30, 1, '嚼服', '每日三次', '2', '片', 7, 'YJK' UNION ALL
    SELECT CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0451'), 3, 'X10733', '枸橼酸莫沙必利片', '5mg*24片', '盒', 31.90, 1, '口服', '每日三次', '1', '片', 7, 'YJK' UNION ALL
    SELECT CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0452'), 1, 'L20261', '13C尿素呼气试验', NULL, '次', 150.00, 1, NULL, NULL, NULL, NULL, NULL, 'JYK' UNION ALL
    SELECT CONCAT(DATE_FORMAT(CAST(@today AS date), '%Y%m%d'), '0463'), 1, 'X12008', '小儿氨酚黄那敏颗粒', '10袋', '盒', 12.50, 1, '口服', '每日三次', '1', '袋', 3, 'YJK'
) AS x;

-- ---------------------------------------------------------------------------
-- 检验 LIS
-- ---------------------------------------------------------------------------

INSERT INTO lis_report (report_id, patient_id, source_type, register_id, inp_no, apply_dept, apply_doctor, diag_code, diag_name,
                        group_name, sample_type, sample_time, report_time, status, auditor) VALUES
    ('831409bb44d34f1097c81f69948e5d3d', '123', '1', CONCAT('GH', DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0031'), NULL,
     'd0001', 'd0001', 'J18.900', '肺炎', '血常规(五分类)', '全血',
     TIMESTAMP(@today + INTERVAL -10 DAY, '15:02:16'), TIMESTAMP(@today + INTERVAL -10 DAY, '15:41:09'), '2', '钱晓东'),
    ('5b0e2d7a91c34f8ab6e1c0d9f4a27e13', '123', '1', CONCAT('GH', DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0031'), NULL,
     'd0001', 'd0001', 'J18.900', '肺炎', 'C反应蛋白(CRP)', '血清',
     TIMESTAMP(@today + INTERVAL -10 DAY, '15:02:16'), TIMESTAMP(@today + INTERVAL -10 DAY, '16:10:45'), '2', '钱晓东'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', '123', '2', NULL, '100038812',
     'd0001', 'D0017', 'J18.900', '肺炎', '肝功能', '血清',
     TIMESTAMP(@today + INTERVAL -5 DAY, '06:10:31'), TIMESTAMP(@today + INTERVAL -5 DAY, '10:25:52'), '2', '钱晓东'),
    ('0d6a3b9e57f24e1c9a8b7c6d5e4f3a21', '123', '2', NULL, '100038812',
     'd0001', 'D0017', 'J18.900', '肺炎', '血常规(五分类)', '全血',
     TIMESTAMP(@today, '06:05:12'), NULL, '1', NULL),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', '6000252', '1', CONCAT('GH', DATE_FORMAT((@today + INTERVAL -3 DAY), '%Y%m%d'), '0021'), NULL,
     '001', 'd001', 'K29.500', '慢性胃炎', '乙肝两对半定量', '血清',
     TIMESTAMP(@today + INTERVAL -3 DAY, '08:41:37'), TIMESTAMP(@today + INTERVAL -3 DAY, '14:02:20'), '2', '钱晓东'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', '6000234', '2', NULL, '100034567',
     '003', 'D0045', 'K35.800', '急性阑尾炎', '血常规(五分类)', '全血',
     TIMESTAMP(@today + INTERVAL -21 DAY, '10:55:03'), TIMESTAMP(@today + INTERVAL -21 DAY, '11:30:48'), '2', '钱晓东'),
    -- 李明, 45 days ago: outside the default one-month window of 7.1
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', '123', '1', CONCAT('GH', DATE_FORMAT((@today + INTERVAL -45 DAY), '%Y%m%d'), '0003'), NULL,
     '001', 'd001', 'K30.X00', '功能性消化不良', '尿常规', '尿液',
     TIMESTAMP(@today + INTERVAL -45 DAY, '09:30:40'), TIMESTAMP(@today + INTERVAL -45 DAY, '10:12:05'), '2', '钱晓东');

INSERT INTO lis_result (report_id, seq, item_code, item_name, result_value, unit, ref_range, abnormal_flag) VALUES
    ('831409bb44d34f1097c81f69948e5d3d', 1, 'WBC',   '白细胞计数',       '12.6',  '10^9/L',  '3.5-9.5',   'H'),
    ('831409bb44d34f1097c81f69948e5d3d', 2, 'NEUT%', '中性粒细胞百分比', '82.3',  '%',       '40-75',     'H'),
    ('831409bb44d34f1097c81f69948e5d3d', 3, 'LYMPH%','淋巴细胞百分比',   '11.9',  '%',       '20-50',     'L'),
    ('831409bb44d34f1097c81f69948e5d3d', 4, 'RBC',   '红细胞计数',       '4.85',  '10^12/L', '4.3-5.8',   'N'),
    ('831409bb44d34f1097c81f69948e5d3d', 5, 'HGB',   '血红蛋白',         '146',   'g/L',     '130-175',   'N'),
    ('831409bb44d34f1097c81f69948e5d3d', 6, 'PLT',   '血小板计数',       '236',   '10^9/L',  '125-350',   'N'),
    ('5b0e2d7a91c34f8ab6e1c0d9f4a27e13', 1, 'CRP',   'C反应蛋白',        '48.6',  'mg/L',    '0-10',      'H'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 1, 'ALT',   '丙氨酸氨基转移酶', '32',    'U/L',     '9-50',      'N'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 2, 'AST',   '天门冬氨酸氨基转移酶', '28', 'U/L',     '15-40',     'N'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 3, 'TBIL',  '总胆红素',         '12.4',  'umol/L',  '0-21',      'N'),
    ('e47c1f0b3a9d4c6e8f2b5a1d0c9e8b77', 4, 'ALB',   '白蛋白',           '38.2',  'g/L',     '40-55',     'L'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 1, 'HBsAg', '乙肝表面抗原',     '0.01',  'IU/mL',   '0-0.05',    'N'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 2, 'HBsAb', '乙肝表面抗体',     '66.6',  'mIU/mL',  '0-10',      'H'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 3, 'HBeAg', '乙肝e抗原',        '0.32',  'S/CO',    '0-1',       'N'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 4, 'HBeAb', '乙肝e抗体',        '1.86',  'S/CO',    '>1',        'N'),
    ('9f3e2c1b0a5d4e7f8a6b5c4d3e2f1a0b', 5, 'HBcAb', '乙肝核心抗体',     '0.15',  'S/CO',    '0-1',       'N'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', 1, 'WBC',   '白细胞计数',       '15.2',  '10^9/L',  '3.5-9.5',   'H'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', 2, 'NEUT%', '中性粒细胞百分比', '88.1',  '%',       '40-75',     'H'),
    ('a1c9e7b5d3f14a2c8e6b4d2f0a8c6e41', 3, 'HGB',   '血红蛋白',         '151',   'g/L',     '130-175',   'N'),
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', 1, 'PRO',   '尿蛋白',           '阴性',  NULL,      '阴性',      'N'),
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', 2, 'GLU',   '尿葡萄糖',         '阴性',  NULL,      '阴性',      'N'),
    ('c2d4e6f8a0b24c6e8a0c2e4f6a8b0c2d', 3, 'BLD',   '尿隐血',           '弱阳性', NULL,     '阴性',      'P');

-- ---------------------------------------------------------------------------
-- 检查 PACS (放射 / 超声 / 病理). Its report ids come from a different
-- system than the LIS ids: 831409bb… exists in both, for different patients.
-- ---------------------------------------------------------------------------

INSERT INTO pacs_report (report_id, patient_id, source_type, register_id, inp_no, apply_dept, apply_doctor, diag_code, diag_name,
                         exam_class, exam_item, exam_time, report_time, findings, impression, image_url, status, reporter) VALUES
    ('3e9a7c1d52b84f6e9d0a4b7c2f18e650', '123', '1', CONCAT('GH', DATE_FORMAT((@today + INTERVAL -10 DAY), '%Y%m%d'), '0031'), NULL,
     'd0001', 'd0001', 'J18.900', '肺炎', 'CT', '胸部CT平扫',
     TIMESTAMP(@today + INTERVAL -10 DAY, '16:05:40'), TIMESTAMP(@today + INTERVAL -10 DAY, '17:32:18'),
     '胸廓对称，气管居中。右肺下叶见斑片状高密度影，边缘模糊，内见支气管充气征；余肺野清晰。纵隔内未见肿大淋巴结，双侧胸腔未见积液。',
     '右肺下叶炎症，建议抗感染治疗后复查。',
     'https://pacs.rbdemo-hospital.cn/viewer/3e9a7c1d52b84f6e9d0a4b7c2f18e650.jpg', '2', '蒋立新'),
    ('7b2f9e4c1d8a4b3e9c0f5a6d2e1b8c47', '123', '2', NULL, '100038812',
     'd0001', 'D0017', 'J18.900', '肺炎', 'CT', '胸部CT平扫(复查)',
     TIMESTAMP(@today + INTERVAL -1 DAY, '10:20:05'), NULL, NULL, NULL, NULL, '1', NULL),
    ('831409bb44d34f1097c81f69948e5d3d', '6000236', '1', CONCAT('GH', DATE_FORMAT((@today + INTERVAL -8 DAY), '%Y%m%d'), '0012'), NULL,
     '010', 'D0063', 'N72.X00', '慢性宫颈炎', '病理', '宫颈液基薄层细胞学检查(TCT)',
     TIMESTAMP(@today + INTERVAL -8 DAY, '09:48:12'), TIMESTAMP(@today + INTERVAL -5 DAY, '15:20:36'),
     '无上皮内病变或恶性病变，中度炎症反应性细胞改变。',
     '建议抗炎治疗后复查。',
     'https://pacs.rbdemo-hospital.cn/viewer/831409bb44d34f1097c81f69948e5d3d.jpg', '2', '杜文静'),
    ('f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c', '6000234', '2', NULL, '100034567',
     '003', 'D0045', 'K35.800', '急性阑尾炎', '超声', '阑尾彩超',
     TIMESTAMP(@today + INTERVAL -21 DAY, '10:40:22'), TIMESTAMP(@today + INTERVAL -21 DAY, '11:05:47'),
     '右下腹麦氏点处探及一管状低回声，外径约9mm，壁增厚，周围脂肪回声增强，未见明显积液。',
     '右下腹管状低回声，考虑急性阑尾炎。',
     'https://pacs.rbdemo-hospital.cn/viewer/f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c.jpg', '2', '何静');

-- ---------------------------------------------------------------------------
-- 住院
-- ---------------------------------------------------------------------------

INSERT INTO inpatient (inp_no, patient_id, card_no, admit_times, admit_time, discharge_time, dept_code, ward_code, bed_no, doctor_code, diag_code, diag_name, inp_status) VALUES
    ('100034567', '6000234', '100034567', 1, TIMESTAMP(@today + INTERVAL -21 DAY, '10:20:36'), TIMESTAMP(@today + INTERVAL -16 DAY, '09:35:10'),
     '003', 'W03', '07', 'D0045', 'K35.800', '急性阑尾炎', '3'),
    ('100038812', '123', '12345678', 1, TIMESTAMP(@today + INTERVAL -6 DAY, '15:40:12'), NULL,
     'd0001', 'W01', '12', 'D0017', 'J18.900', '肺炎', '1'),
    ('100038790', '6000241', '100045210', 2, TIMESTAMP(@today + INTERVAL -9 DAY, '11:02:45'), NULL,
     '002', 'W02', '21', 'D0041', 'I20.000', '不稳定型心绞痛', '1'),
    ('100038845', '6000275', '100066519', 1, TIMESTAMP(@today + INTERVAL -3 DAY, '18:25:09'), NULL,
     '004', 'W04', '03', '0533', 'S82.201', '胫骨干骨折', '1'),
    ('100031102', '6000247', '100051337', 1, TIMESTAMP(@today + INTERVAL -60 DAY, '09:12:33'), TIMESTAMP(@today + INTERVAL -48 DAY, '10:05:00'),
     '002', 'W02', '16', 'D0041', 'I50.900', '心力衰竭', '3');

INSERT INTO inp_prepay (inp_no, amount, pay_way, trade_no, receipt_no, pay_time, operator, status)
SELECT y.inp_no, y.amount, y.pay_way, y.trade_no, y.receipt_no, TIMESTAMP(@today + INTERVAL y.day_off DAY, y.hms), y.operator, y.status
FROM (
    SELECT 1 AS seq, '100034567' AS inp_no, 2000.00 AS amount, '现金' AS pay_way, NULL AS trade_no, 'YJ00260311' AS receipt_no, -21 AS day_off, '10:25:41' AS hms, '收费员王静' AS operator, '1' AS status UNION ALL
    SELECT 2, '100034567', 2000.00, '微信', CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -17 DAY), '%y%m%d'), '0004231708'), 'YJ00260402', -17, '19:33:45', '睿博平台', '1' UNION ALL
    SELECT 3, '100038812', 2000.00, '银行卡', NULL, 'YJ00260977', -6, '15:52:08', '收费员王静', '1' UNION ALL
    SELECT 4, '100038812', 1000.00, '微信', CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -2 DAY), '%y%m%d'), '0004221641'), 'YJ00261035', -2, '20:11:27', '睿博平台', '1' UNION ALL
    SELECT 5, '100038790', 5000.00, '银行卡', NULL, 'YJ00260921', -9, '11:15:30', '收费员李娟', '1' UNION ALL
    SELECT 6, '100038845', 10000.00, '银行卡', NULL, 'YJ00261012', -3, '18:40:02', '收费员陈红', '1' UNION ALL
    SELECT 7, '100038845', 500.00, '现金', NULL, 'YJ00261013', -3, '18:41:15', '收费员陈红', '0' UNION ALL
    SELECT 8, '100031102', 8000.00, '现金', NULL, 'YJ00257730', -60, '09:30:00', '收费员李娟', '1'
) AS y
ORDER BY y.seq;

-- 住院费用: the daily charges of every day of every stay (a recursive CTE
-- over the days from admission to discharge, or to today), then the one-off
-- items; one statement, so the fee ids run on without the gap InnoDB leaves
-- after a bulk insert.
INSERT INTO inp_fee_detail (inp_no, fee_date, charge_time, item_code, item_name, fee_class, spec, unit, price, qty, amount, order_doctor, exec_dept)
WITH RECURSIVE stay (inp_no, dept_code, doctor_code, d, last_d) AS (
    SELECT inp_no, dept_code, doctor_code, CAST(admit_time AS date), COALESCE(CAST(discharge_time AS date), CAST(@today AS date))
    FROM inpatient
    UNION ALL
    SELECT inp_no, dept_code, doctor_code, d + INTERVAL 1 DAY, last_d FROM stay WHERE d < last_d
)
SELECT u.inp_no, u.fee_date, u.charge_time, u.item_code, u.item_name, u.fee_class, u.spec, u.unit, u.price, u.qty,
       CAST(u.price * u.qty AS decimal(12,2)), u.order_doctor, u.exec_dept
FROM (
    SELECT 0 AS part, s.inp_no AS k1, s.d AS k2, i.item_code AS k3, 0 AS k4,
           s.inp_no, s.d AS fee_date, TIMESTAMP(s.d, '08:05:00') AS charge_time,
           i.item_code, i.item_name, i.fee_class, i.spec, i.unit, i.price, i.qty,
           s.doctor_code AS order_doctor, COALESCE(i.exec_dept, s.dept_code) AS exec_dept
    FROM stay s
    JOIN (
        SELECT '*' AS dept_code, 'B0001' AS item_code, '床位费(三人间)' AS item_name, '床位费' AS fee_class, NULL AS spec, '日' AS unit, 45.00 AS price, 1 AS qty, NULL AS exec_dept UNION ALL
        SELECT '*', 'H0002', '二级护理', '护理费', NULL, '日', 18.00, 1, NULL UNION ALL
        SELECT '*', 'Z0001', '住院诊查费', '诊查费', NULL, '日', 20.00, 1, NULL UNION ALL
        SELECT 'd0001', 'X0231', '注射用头孢曲松钠', '西药费', '1g', '支', 12.60, 2, 'YJK' UNION ALL
        SELECT 'd0001', 'X0412', '0.9%氯化钠注射液', '西药费', '100ml', '袋', 3.50, 2, 'YJK' UNION ALL
        SELECT 'd0001', 'T0101', '静脉输液', '治疗费', NULL, '组', 8.00, 2, NULL UNION ALL
        SELECT 'd0001', 'T0205', '雾化吸入', '治疗费', NULL, '次', 10.00, 2, NULL UNION ALL
        SELECT 'd0001', 'X0788', '吸入用布地奈德混悬液', '西药费', '2ml:1mg', '支', 9.85, 2, 'YJK' UNION ALL
        SELECT '002', 'X0915', '阿司匹林肠溶片', '西药费', '100mg*30片', '片', 0.45, 1, 'YJK' UNION ALL
        SELECT '002', 'X0920', '硫酸氢氯吡格雷片', '西药费', '75mg*7片', '片', 2.95, 1, 'YJK' UNION ALL
        SELECT '002', 'X0933', '阿托伐他汀钙片', '西药费', '20mg*7片', '片', 1.12, 1, 'YJK' UNION ALL
        SELECT '002', 'T0310', '心电监护', '治疗费', NULL, '小时', 3.00, 24, NULL UNION ALL
        SELECT '003', 'X0501', '注射用头孢呋辛钠', '西药费', '1.5g', '支', 15.40, 2, 'YJK' UNION ALL
        SELECT '003', 'T0101', '静脉输液', '治疗费', NULL, '组', 8.00, 2, NULL UNION ALL
        SELECT '003', 'T0402', '换药(中)', '治疗费', NULL, '次', 25.00, 1, NULL UNION ALL
        SELECT '004', 'X0633', '注射用七叶皂苷钠', '西药费', '10mg', '支', 36.20, 1, 'YJK' UNION ALL
        SELECT '004', 'T0101', '静脉输液', '治疗费', NULL, '组', 8.00, 1, NULL UNION ALL
        SELECT '004', 'T0520', '骨科牵引', '治疗费', NULL, '日', 15.00, 1, NULL
    ) AS i
      ON i.dept_code IN ('*', s.dept_code)
    UNION ALL
    SELECT 1, '', NULL, '', x.seq,
           x.inp_no, CAST(i.admit_time AS date) + INTERVAL x.day_no DAY,
           TIMESTAMP(CAST(i.admit_time AS date) + INTERVAL x.day_no DAY, x.hms),
           x.item_code, x.item_name, x.fee_class, NULL, x.unit, x.price, x.qty,
           i.doctor_code, x.exec_dept
    FROM (
        SELECT 1 AS seq, '100034567' AS inp_no, 0 AS day_no, '11:30:00' AS hms, 'S1201' AS item_code, '腹腔镜下阑尾切除术' AS item_name, '手术费' AS fee_class, '次' AS unit, 1350.00 AS price, 1 AS qty, '003' AS exec_dept UNION ALL
        SELECT 2, '100034567', 0, '11:30:00', 'S9001', '全身麻醉', '麻醉费', '次', 680.00, 1, '003' UNION ALL
        SELECT 3, '100034567', 0, '11:40:00', 'C0211', '一次性腹腔镜穿刺器', '材料费', '套', 420.00, 1, '003' UNION ALL
        SELECT 4, '100034567', 0, '10:50:00', 'L2001', '血常规(五分类)', '检验费', '次', 20.00, 1, 'JYK' UNION ALL
        SELECT 5, '100034567', 0, '10:45:00', 'E3102', '阑尾彩超', '检查费', '次', 90.00, 1, 'CSK' UNION ALL
        SELECT 6, '100038812', 1, '06:15:00', 'L2120', '肝功能', '检验费', '次', 60.00, 1, 'JYK' UNION ALL
        SELECT 7, '100038812', 6, '06:10:00', 'L2001', '血常规(五分类)', '检验费', '次', 20.00, 1, 'JYK' UNION ALL
        SELECT 8, '100038812', 5, '10:25:00', 'E3002', '胸部CT平扫', '检查费', '次', 180.00, 1, 'FSK' UNION ALL
        SELECT 9, '100038790', 0, '14:10:00', 'E3501', '冠状动脉造影术', '手术费', '次', 3200.00, 1, '002' UNION ALL
        SELECT 10, '100038790', 0, '14:20:00', 'C0520', '造影导管', '材料费', '根', 268.00, 1, '002' UNION ALL
        SELECT 11, '100038845', 1, '09:00:00', 'S2305', '胫骨骨折切开复位内固定术', '手术费', '次', 2600.00, 1, '004' UNION ALL
        SELECT 12, '100038845', 1, '09:10:00', 'C0830', '锁定接骨板(胫骨)', '材料费', '套', 4860.00, 1, '004'
    ) AS x
    JOIN inpatient i ON i.inp_no = x.inp_no
) AS u
ORDER BY u.part, u.k1, u.k2, u.k3, u.k4;

-- ---------------------------------------------------------------------------
-- 一卡通
-- ---------------------------------------------------------------------------

INSERT INTO ecard_account (card_no, patient_id, balance, status, open_time, update_time) VALUES
    ('100034567', '6000234', 203.67, '0', '2019-03-11 08:42:10', TIMESTAMP(@today + INTERVAL -60 DAY, '10:31:22')),
    ('500000003', '6000234', 120.00, '0', '2022-08-19 09:13:27', TIMESTAMP(@today + INTERVAL -21 DAY, '08:02:40')),
    ('12345678',  '123',     56.80,  '0', '2009-06-02 10:15:32', TIMESTAMP(@today + INTERVAL -45 DAY, '09:40:18')),
    ('100060072', '6000252', 0.00,   '0', '2020-05-14 08:20:19', NULL),
    ('100070311', '6000263', 88.50,  '1', '2021-09-16 07:58:31', TIMESTAMP(@today + INTERVAL -5 DAY, '07:52:10'));

INSERT INTO ecard_txn (card_no, txn_type, amount, balance_after, pay_way, trade_no, txn_time, remark)
SELECT t.card_no, t.txn_type, t.amount, t.balance_after, t.pay_way, t.trade_no, TIMESTAMP(@today + INTERVAL t.day_off DAY, t.hms), t.remark
FROM (
    SELECT 1 AS seq, '100034567' AS card_no, '1' AS txn_type, 300.00 AS amount, 300.00 AS balance_after, '现金' AS pay_way, NULL AS trade_no, -90 AS day_off, '08:50:11' AS hms, '窗口充值' AS remark UNION ALL
    SELECT 2, '100034567', '2', 96.33, 203.67, NULL, NULL, -60, '10:31:22', '门诊缴费' UNION ALL
    SELECT 3, '500000003', '1', 200.00, 200.00, '微信', CONCAT('EH05', DATE_FORMAT((@today + INTERVAL -40 DAY), '%y%m%d'), '0004214424'), -40, '21:18:06', '睿博平台充值' UNION ALL
    SELECT 4, '500000003', '2', 80.00, 120.00, NULL, NULL, -21, '08:02:40', '门诊缴费' UNION ALL
    SELECT 5, '12345678', '1', 100.00, 100.00, '现金', NULL, -50, '16:20:00', '窗口充值' UNION ALL
    SELECT 6, '12345678', '2', 43.20, 56.80, NULL, NULL, -45, '09:40:18', '门诊缴费' UNION ALL
    SELECT 7, '100070311', '1', 100.00, 100.00, '现金', NULL, -30, '08:10:45', '窗口充值' UNION ALL
    SELECT 8, '100070311', '2', 11.50, 88.50, NULL, NULL, -30, '09:05:12', '门诊缴费'
) AS t
ORDER BY t.seq;

-- ---------------------------------------------------------------------------
-- 分诊排队 (today)
-- ---------------------------------------------------------------------------

-- Named patients first, then the other places of each queue (one statement,
-- so the queue ids run on without the gap InnoDB leaves after a bulk insert).
-- Fillers: (dept, doctor, last number, number being seen). Numbers below it
-- are done, numbers above it are waiting. A number a named patient holds is
-- skipped. Numbered as the SQLite demo numbers them: the named patients,
-- then number 1 of every queue, then number 2 of every queue, ...
INSERT INTO queue_list (queue_date, dept_code, doctor_code, queue_no, patient_name, card_no, patient_id, register_id, status, sign_time, call_time)
WITH RECURSIVE
x (seq, clinic_no, status) AS (
    SELECT 1, '123', '1' UNION ALL
    SELECT 2, '125', '2' UNION ALL
    SELECT 3, '126', '2' UNION ALL
    SELECT 4, '127', '0'
),
named (seq, dept_code, doctor_code, queue_no, patient_name, card_no, patient_id, register_id, status, sign_time, call_time) AS (
    SELECT x.seq, r.dept_code, r.doctor_code, r.queue_no, p.name, r.card_no, r.patient_id, r.register_id, x.status,
           TIMESTAMP(r.visit_date, r.visit_time) - INTERVAL 20 MINUTE,
           CASE WHEN x.status IN ('1', '2') THEN TIMESTAMP(r.visit_date, r.visit_time) + INTERVAL 7 MINUTE END
    FROM x
    JOIN outp_register r ON r.clinic_no = x.clinic_no
    JOIN patient p ON p.patient_id = r.patient_id
),
q (qseq, dept_code, doctor_code, last_no, now_no, start_time) AS (
    SELECT 1, 'd0001', 'd0001', 30, 20, '13:20:00' UNION ALL
    SELECT 2, 'd0001', NULL,    14,  9, '07:30:00' UNION ALL
    SELECT 3, '009',   '456',   14,  9, '07:30:00' UNION ALL
    SELECT 4, '001',   'd001',  10,  7, '07:30:00' UNION ALL
    SELECT 5, '011',   '0601',   8,  5, '07:40:00'
),
n (qseq, dept_code, doctor_code, last_no, now_no, start_time, k) AS (
    SELECT qseq, dept_code, doctor_code, last_no, now_no, start_time, 1 FROM q
    UNION ALL
    SELECT qseq, dept_code, doctor_code, last_no, now_no, start_time, k + 1 FROM n WHERE k < last_no
)
SELECT CAST(@today AS date), u.dept_code, u.doctor_code, u.queue_no, u.patient_name, u.card_no, u.patient_id, u.register_id,
       u.status, u.sign_time, u.call_time
FROM (
    SELECT 0 AS part, named.seq AS k, 0 AS qseq, named.dept_code, named.doctor_code, named.queue_no, named.patient_name,
           named.card_no, named.patient_id, named.register_id, named.status, named.sign_time, named.call_time
    FROM named
    UNION ALL
    SELECT 1, n.k, n.qseq, n.dept_code, n.doctor_code, n.k,
           CONCAT(SUBSTRING('王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高', (n.k * 7 + LENGTH(n.dept_code)) % 20 + 1, 1),
                  SUBSTRING('建国秀兰志强丽娟海涛春梅小红文斌桂英明辉晓燕国华玉珍俊杰淑芬', ((n.k * 11 + LENGTH(n.dept_code)) % 15) * 2 + 1, 2)),
           CONCAT('1000', 71000 + n.k * 37 + LENGTH(n.dept_code) * 1000), NULL, NULL,
           CASE WHEN n.k < n.now_no THEN '2' WHEN n.k = n.now_no THEN '1' ELSE '0' END,
           TIMESTAMP(@today, n.start_time) + INTERVAL (n.k * 4) MINUTE,
           CASE WHEN n.k <= n.now_no THEN TIMESTAMP(@today, n.start_time) + INTERVAL (40 + n.k * 6) MINUTE END
    FROM n
    WHERE NOT EXISTS (SELECT 1 FROM named
                      WHERE named.dept_code = n.dept_code AND named.queue_no = n.k
                        AND named.doctor_code <=> n.doctor_code)
) AS u
ORDER BY u.part, u.k, u.qseq;

-- ---------------------------------------------------------------------------
-- 收费流水: registrations, prescriptions, prepayments, e-card top-ups
-- ---------------------------------------------------------------------------

-- 挂号费 (paid and refunded registrations)
INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT CONCAT('SF', SUBSTRING(r.register_id, 3)), '1', r.register_id, r.patient_id, r.reg_fee,
       CASE r.reg_way WHEN '3' THEN '微信' ELSE '现金' END,
       CASE r.reg_way WHEN '3' THEN 'wechatMP' END,
       r.trade_no, '0', NULL, r.invoice_no, r.reg_time,
       CASE r.reg_way WHEN '3' THEN '睿博平台' WHEN '2' THEN '自助机' ELSE '收费员王静' END
FROM outp_register r
WHERE r.status IN ('1', '9');

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT CONCAT('TF', SUBSTRING(r.register_id, 3)), '1', r.register_id, r.patient_id, r.reg_fee, '现金', NULL, NULL, '1',
       CONCAT('TF', SUBSTRING(r.register_id, 3)), r.invoice_no, r.cancel_time, '收费员王静'
FROM outp_register r
WHERE r.status = '9';

-- 门诊缴费 (paid prescriptions)
INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT m.pay_id, '2', m.rx_no, m.patient_id,
       (SELECT SUM(d.amount) FROM rx_detail d WHERE d.rx_no = m.rx_no),
       '现金', NULL, NULL, '0', NULL, m.invoice_no, m.charge_time, '收费员王静'
FROM rx_master m
WHERE m.charge_status = '1';

-- 住院预交金 and 一卡通充值
INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT CONCAT('YJ', LPAD(y.prepay_id, 8, '0')), '3', y.inp_no, i.patient_id, y.amount, y.pay_way,
       CASE WHEN y.trade_no IS NOT NULL THEN 'wechatNo' END, y.trade_no, '0', NULL, y.receipt_no, y.pay_time, y.operator
FROM inp_prepay y
JOIN inpatient i ON i.inp_no = y.inp_no;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no, channel, refund_id, invoice_no, payed_time, operator)
SELECT CONCAT('CZ', LPAD(t.txn_id, 8, '0')), '4', t.card_no, a.patient_id, t.amount, t.pay_way,
       CASE WHEN t.trade_no IS NOT NULL THEN 'wechatNo' END, t.trade_no, '0', NULL, NULL, t.txn_time,
       CASE WHEN t.trade_no IS NOT NULL THEN '睿博平台' ELSE '收费员王静' END
FROM ecard_txn t
JOIN ecard_account a ON a.card_no = t.card_no
WHERE t.txn_type = '1';

-- ---------------------------------------------------------------------------
-- 序列
-- ---------------------------------------------------------------------------

INSERT INTO sys_sequence (seq_name, cur_val) VALUES
    ('patient_id', 6000300),
    ('card_no',    100080000),
    ('register_seq', 40),      -- register_id = CONCAT('GH', yyyymmdd, LPAD(seq, 4, '0'))
    ('clinic_no',  131),
    ('rx_seq',     500),
    ('inp_no',     100038900),
    ('invoice_no', 1000),
    ('pay_seq',    1000);


