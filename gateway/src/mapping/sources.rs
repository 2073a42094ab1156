//! Event sources: the SQL that finds the HIS events each pushed dataType
//! sends to the platform, `push/{dataType}.sql` (or its dialect override),
//! with `:watermark` as its one parameter; it may `-- @include` shared
//! fragments as a method file does.

use std::path::Path;

use std::sync::Arc;

use super::{include, sql, MappingError, SourcePlan};
use crate::catalogue;
use crate::execute::Dialect;

/// Loads the event source of each pushed dataType named in `[push] sources`.
pub(super) fn load(
    dir: &Path,
    names: &[String],
    dialect: Dialect,
    errors: &mut Vec<MappingError>,
) -> Vec<SourcePlan> {
    let mut sources = Vec::new();
    for name in names {
        let Some(method) = catalogue::find_outbound(name).filter(|m| m.push) else {
            errors.push(MappingError::new(dir, None, format!("[push] sources: {name:?} is not a push of the spec (dataTypes of pushHisData, or pushStopSchedule)")));
            continue;
        };
        let over = dir.join(format!("{name}.{}.sql", dialect.name()));
        let path = if over.is_file() {
            over
        } else {
            dir.join(format!("{name}.sql"))
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(MappingError::new(
                    &path,
                    None,
                    format!("cannot read the event source: {e}"),
                ));
                continue;
            }
        };
        let shared = dir.parent().unwrap_or(dir).join("shared");
        let expanded = match include::expand(&text, &path, &shared, dialect) {
            Ok(expanded) => expanded,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        let names = vec!["watermark".to_string()];
        match sql::render_params(&expanded.text, dialect, &names) {
            Ok((sql, placeholders)) => sources.push(SourcePlan {
                method,
                file: path,
                sql: sql.into(),
                placeholders: placeholders.into(),
                lines: Arc::new(expanded.lines),
            }),
            Err((line, message)) => errors.push(expanded.lines.relocate(MappingError::new(
                &path,
                Some(line),
                message,
            ))),
        }
    }
    sources
}
