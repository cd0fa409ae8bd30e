//! The site's side of the translation layer (`indaba-i18n`): every string a
//! person reads on the site comes from a Fluent catalogue in
//! `locales/<lang>/*.ftl`, looked up by key. A test checks that every key the
//! templates and handlers use exists in English.

pub use indaba_i18n::{Catalogue as Translations, DEFAULT_LANGUAGE, I18nError, Tr};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `dir`, in subfolders too (a role's templates and
    /// handlers live in folders of their own).
    fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn every_key_the_site_uses_exists_in_english() {
        let tr = Translations::load().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = Vec::new();
        for sub in ["templates", "src"] {
            for path in files_under(&dir.join(sub)) {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                for marker in [".t(\"", ".t1(\"", "message(&state, &ctx, StatusCode::"] {
                    for part in text.split(marker).skip(1) {
                        let key = if marker.starts_with("message") {
                            part.split('"').nth(1).unwrap_or("")
                        } else {
                            part.split('"').next().unwrap_or("")
                        };
                        if !key.is_empty()
                            && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                        {
                            used.push(key.to_string());
                        }
                    }
                }
            }
        }
        // Keys passed around as plain literals (`message(.., "error-csrf-title", ..)`).
        let namespaces = [
            "error-",
            "reset-",
            "login-",
            "admin-",
            "progress-",
            "report-",
            "home-",
            "form-",
            "nav-",
            "guides-",
            "assembly-",
            "when-",
            "tech-",
            "history-",
            "fame-",
            "badge-",
            "apidocs-",
            "desk-",
            "platform-",
            "notices-",
        ];
        for sub in ["src"] {
            for path in files_under(&dir.join(sub)) {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                for literal in text.split('"').skip(1).step_by(2) {
                    if namespaces.iter().any(|n| literal.starts_with(n))
                        && !literal.ends_with('-')
                        && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    {
                        used.push(literal.to_string());
                    }
                }
            }
        }
        // Keys built from model values.
        for status in indaba_model::Status::ALL {
            used.push(format!("status-{}", status.as_str().replace('_', "-")));
        }
        for part in indaba_model::progress::Part::ALL {
            used.push(format!("progress-part-{}", part.as_str()));
        }
        for month in 1..=12 {
            used.push(format!("when-month-{month}"));
        }
        for role in indaba_store::Role::ALL {
            used.push(format!("admin-role-{}", role.as_str()));
        }
        for group in indaba_store::Stakeholder::ALL {
            used.push(format!("admin-group-{}", group.as_str().replace('_', "-")));
        }
        for category in indaba_model::catalogue::Category::ALL {
            used.push(format!("category-{}", category.id().replace('_', "-")));
        }
        used.extend(["kind-web".to_string(), "kind-mail".to_string()]);
        // The notices' keys built from their values.
        for action in ["opt-out", "improvements"] {
            for part in ["title", "confirm", "button", "done-title", "done-text"] {
                used.push(format!("notices-{action}-{part}"));
            }
        }
        for source in indaba_monitor::notices::ContactSource::ALL {
            used.push(format!("notices-why-{}", source.as_str().replace('_', "-")));
        }
        // The desk's keys built from its values.
        for view in ["open", "overdue", "mine", "all"] {
            used.push(format!("desk-view-{view}"));
        }
        for a in indaba_desk::CaseAction::ALL {
            used.push(format!("desk-action-{}", a.as_str().replace('_', "-")));
        }
        for d in indaba_store::desk::Dimension::ALL {
            used.push(format!("desk-stats-{}", d.as_str().replace('_', "-")));
        }
        for c in indaba_desk::Classification::all() {
            used.push(c.message_id());
        }
        for q in indaba_desk::plan::QUESTIONS {
            used.push(format!("desk-q-{}", q.id));
            for a in q.answers {
                used.push(format!("desk-a-{}-{a}", q.id));
            }
        }
        for s in indaba_desk::CaseState::ALL {
            used.push(s.message_id().to_string());
        }
        for p in indaba_desk::Priority::ALL {
            used.push(p.message_id().to_string());
        }
        assert!(used.len() > 50, "the scan found only {} keys", used.len());
        let missing: Vec<&String> = used.iter().filter(|k| !tr.has("en", k)).collect();
        assert!(
            missing.is_empty(),
            "keys missing from locales/en: {missing:?}"
        );
    }
}
