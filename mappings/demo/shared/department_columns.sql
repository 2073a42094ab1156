-- A department of dept_dict d as 2.1 answers it (the same on both databases).
       d.dept_name   AS departmentName,
       d.dept_code   AS departmentCode,
       d.parent_code AS supperCode,
       d.dept_level  AS departmentLevel,
       d.logo_url    AS departmentLogo,
       d.location    AS departmentAddress,
       d.intro       AS departmentSummary,
       d.feature     AS departmentFeature
