//! iCalendar feeds (RFC 5545) of events, per committee and for the
//! partnership, written with the `icalendar` crate (escaping and line
//! folding are its business).

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike};

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// A stable unique id (the event's id and the site's host).
    pub uid: String,
    /// Title.
    pub title: String,
    /// Agenda or description.
    pub description: String,
    /// Where.
    pub location: String,
    /// Start, Unix seconds.
    pub starts_at: i64,
    /// End, Unix seconds.
    pub ends_at: i64,
    /// Its page.
    pub url: String,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

fn utc(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The feed named `name` of `events`, as iCalendar text.
pub fn feed(name: &str, events: &[FeedEvent]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for e in events {
        let mut event = icalendar::Event::new();
        event
            .uid(&e.uid)
            .summary(&e.title)
            .description(&e.description)
            .starts(utc(e.starts_at))
            .ends(utc(e.ends_at))
            .timestamp(utc(e.updated_at))
            .url(&e.url);
        if !e.location.is_empty() {
            event.location(&e.location);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_parses_back() {
        let events = [FeedEvent {
            uid: "e1@indaba.test".into(),
            title: "DNSSEC seminar; part 1, \"hands-on\"".into(),
            description: "Agenda:\n1. Keys\n2. Signing, rollover".into(),
            location: "Gaborone".into(),
            starts_at: 1_800_000_000,
            ends_at: 1_800_007_200,
            url: "https://indaba.test/assembly/events/e1".into(),
            updated_at: 1_700_000_000,
        }];
        let text = feed("Policy Committee", &events);
        let mut parser = ical::IcalParser::new(text.as_bytes());
        let calendar = parser.next().expect("a calendar").expect("parses");
        assert!(parser.next().is_none());
        assert_eq!(calendar.events.len(), 1);
        let props = &calendar.events[0].properties;
        let get = |name: &str| {
            props
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("UID"), "e1@indaba.test");
        assert_eq!(get("SUMMARY"), "DNSSEC seminar\\; part 1\\, \"hands-on\"");
        assert_eq!(get("DTSTART"), "20270115T080000Z");
        assert_eq!(get("DTEND"), "20270115T100000Z");
        assert!(get("DESCRIPTION").contains("Agenda:\\n1. Keys"));
    }
}
