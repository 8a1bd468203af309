//! RFC 5545 iCalendar export of mentoring sessions, workshops and visa deadlines, so students can
//! import their program dates into any calendar app.
//!
//! Everything is written in UTC (`…Z`) rather than with a `VTIMEZONE`: the calendar app then shows
//! each event in the viewer's own zone, and we never ship time-zone rules that could go stale.

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::apply::{typed, RecordView};
use crate::domain::{MentoringSession, SessionState, VisaStep, VisaStepState, Workshop};
use crate::ids::RecordId;

/// The `PRODID` of every calendar we write.
pub const PRODID: &str = "-//IMP Companion//Calendar export//EN";

/// The right-hand side of every `UID`; it keeps our UIDs apart from other producers' (RFC 5545 §3.8.4.7).
pub const UID_DOMAIN: &str = "imp-companion";

/// How many days before a visa deadline its reminder fires.
pub const DEADLINE_REMINDER_DAYS: u32 = 7;

/// The longest content line, in octets, before it is folded (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// The program's time zone (IANA name): where workshops, deadlines and, unless someone picks
/// another zone, mentoring sessions are planned. The one place it is written; the app's
/// `zone::PROGRAM_ZONE` is this constant. Nothing here does time-zone maths with it: the export
/// writes UTC, and the app asks the browser for the zone's offsets.
pub const PROGRAM_ZONE: &str = "Asia/Taipei";

/// An event with a start time and a length: a mentoring session or a workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedEvent {
    /// The record the event comes from; the `UID` is derived from it.
    pub id: RecordId,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// How long it lasts.
    pub duration_minutes: u32,
    /// The `SUMMARY`.
    pub title: String,
    /// The `LOCATION`; left out when empty.
    pub location: String,
    /// The `DESCRIPTION`; left out when empty.
    pub description: String,
}

/// An all-day deadline, such as the last day to hand in a visa application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineEvent {
    /// The record the deadline comes from; the `UID` is derived from it.
    pub id: RecordId,
    /// The day of the deadline.
    pub date: NaiveDate,
    /// The `SUMMARY`.
    pub title: String,
    /// The `DESCRIPTION`; left out when empty.
    pub description: String,
}

/// One entry of an exported calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "event", rename_all = "snake_case")]
pub enum CalendarEvent {
    /// A mentoring session.
    MentoringSession(TimedEvent),
    /// A program workshop.
    Workshop(TimedEvent),
    /// A visa / work-permit deadline, exported as an all-day event with a reminder.
    VisaDeadline(DeadlineEvent),
}

impl CalendarEvent {
    /// The stable `UID`: the same record always gets the same UID, so re-importing an export
    /// updates events instead of duplicating them. The kind is part of it because record ids are
    /// only unique within a kind.
    pub fn uid(&self) -> String {
        let (kind, id) = match self {
            Self::MentoringSession(event) => ("session", &event.id),
            Self::Workshop(event) => ("workshop", &event.id),
            Self::VisaDeadline(event) => ("visa", &event.id),
        };
        format!("{kind}-{id}@{UID_DOMAIN}")
    }

    /// A workshop record as a calendar event.
    pub fn from_workshop(id: &RecordId, workshop: &Workshop) -> Self {
        Self::Workshop(TimedEvent {
            id: id.clone(),
            starts_at: workshop.starts_at,
            duration_minutes: workshop.duration_minutes,
            title: workshop.title.clone(),
            location: workshop.place.clone(),
            description: String::new(),
        })
    }

    /// A mentoring session as a calendar event titled `title` (sessions have no title of their
    /// own; the caller knows the mentor's or student's name). Cancelled sessions give `None`: a
    /// calendar should not block time for them.
    pub fn from_mentoring_session(
        id: &RecordId,
        session: &MentoringSession,
        title: &str,
    ) -> Option<Self> {
        if session.state == SessionState::Cancelled {
            return None;
        }
        Some(Self::MentoringSession(TimedEvent {
            id: id.clone(),
            starts_at: session.starts_at,
            duration_minutes: session.duration_minutes,
            title: title.to_owned(),
            location: session.location.clone(),
            description: session.agenda.clone(),
        }))
    }

    /// A visa step's due date as a deadline, titled in the reader's language (繁體中文 when `zh`
    /// and translated). Steps without a due date, and steps that are done or do not apply, give
    /// `None`: a reminder for them would only be noise.
    pub fn from_visa_step(id: &RecordId, step: &VisaStep, zh: bool) -> Option<Self> {
        if matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded) {
            return None;
        }
        let date = step.due_date?;
        Some(Self::VisaDeadline(DeadlineEvent {
            id: id.clone(),
            date,
            title: step.title_in(zh).to_owned(),
            description: step.authority_in(zh).to_owned(),
        }))
    }
}

/// A person's calendar, for the download and the subscribed feed alike: the sessions of each
/// student space given (with `visa`, also its open visa deadlines: the student's own calendar,
/// not a mentor's) and the program's workshops; named in the reader's language.
pub fn person_events<S: RecordView, P: RecordView>(
    students: &[&S],
    visa: bool,
    program: &P,
    zh: bool,
) -> Vec<CalendarEvent> {
    let title = if zh {
        "輔導會談"
    } else {
        "Mentoring session"
    };
    let mut events = Vec::new();
    for space in students {
        for (id, session) in typed::<MentoringSession>(*space) {
            events.extend(CalendarEvent::from_mentoring_session(&id, &session, title));
        }
        if visa {
            for (id, step) in typed::<VisaStep>(*space) {
                events.extend(CalendarEvent::from_visa_step(&id, &step, zh));
            }
        }
    }
    for (id, workshop) in typed::<Workshop>(program) {
        events.push(CalendarEvent::from_workshop(&id, &workshop));
    }
    events
}

/// The calendar's name in the reader's language.
pub fn calendar_name(zh: bool) -> &'static str {
    if zh {
        "IMP Companion 行事曆"
    } else {
        "IMP Companion"
    }
}

/// Writes `events` as one `VCALENDAR` named `calendar_name`; `now` becomes every `DTSTAMP`.
///
/// The result uses CRLF line ends and folds content lines at [`MAX_LINE_OCTETS`] octets.
pub fn to_ics(calendar_name: &str, events: &[CalendarEvent], now: DateTime<Utc>) -> String {
    let mut writer = IcsWriter::default();
    writer.line("BEGIN:VCALENDAR");
    writer.line("VERSION:2.0");
    writer.line(&format!("PRODID:{PRODID}"));
    writer.line("CALSCALE:GREGORIAN");
    writer.line("METHOD:PUBLISH");
    writer.text("X-WR-CALNAME", calendar_name);
    let stamp = utc_stamp(now);
    for event in events {
        writer.event(event, &stamp);
    }
    writer.line("END:VCALENDAR");
    writer.out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, and
/// line breaks (LF, CRLF or a lone CR) become `\n`.
///
/// Other ASCII control characters are dropped, because TEXT may not contain them and calendar
/// apps reject or mangle files that do; tabs are allowed and kept.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // A CRLF pair is one line break, not two.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            control if control.is_ascii_control() => {}
            other => out.push(other),
        }
    }
    out
}

/// Builds the calendar text, folding each content line as it is written.
#[derive(Default)]
struct IcsWriter {
    out: String,
}

impl IcsWriter {
    /// Writes one content line, folded so that no physical line exceeds [`MAX_LINE_OCTETS`]
    /// octets. Folds fall between characters, never inside a UTF-8 sequence, so every physical
    /// line stays valid UTF-8 on its own (RFC 5545 §3.1 asks for exactly this).
    fn line(&mut self, content: &str) {
        let mut line_octets = 0;
        for ch in content.chars() {
            let width = ch.len_utf8();
            if line_octets + width > MAX_LINE_OCTETS {
                // The continuation's leading space counts towards its 75 octets.
                self.out.push_str("\r\n ");
                line_octets = 1;
            }
            self.out.push(ch);
            line_octets += width;
        }
        self.out.push_str("\r\n");
    }

    /// Writes `NAME:value` with the value escaped as TEXT.
    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }

    /// Like [`IcsWriter::text`], but writes nothing for an empty value: an empty `LOCATION` only
    /// makes calendar apps show an empty row.
    fn optional_text(&mut self, name: &str, value: &str) {
        if !value.is_empty() {
            self.text(name, value);
        }
    }

    fn event(&mut self, event: &CalendarEvent, stamp: &str) {
        self.line("BEGIN:VEVENT");
        self.text("UID", &event.uid());
        self.line(&format!("DTSTAMP:{stamp}"));
        match event {
            CalendarEvent::MentoringSession(timed) | CalendarEvent::Workshop(timed) => {
                self.timed(timed);
            }
            CalendarEvent::VisaDeadline(deadline) => self.deadline(deadline),
        }
        self.line("END:VEVENT");
    }

    fn timed(&mut self, event: &TimedEvent) {
        self.line(&format!("DTSTART:{}", utc_stamp(event.starts_at)));
        let end = event
            .starts_at
            .checked_add_signed(TimeDelta::minutes(i64::from(event.duration_minutes)));
        match end {
            Some(end) => self.line(&format!("DTEND:{}", utc_stamp(end))),
            // Only an end beyond chrono's range gets here; DURATION says the same thing without
            // needing the end as a date (RFC 5545 §3.8.2.5).
            None => self.line(&format!("DURATION:PT{}M", event.duration_minutes)),
        }
        self.text("SUMMARY", &event.title);
        self.optional_text("LOCATION", &event.location);
        self.optional_text("DESCRIPTION", &event.description);
    }

    fn deadline(&mut self, event: &DeadlineEvent) {
        self.line(&format!("DTSTART;VALUE=DATE:{}", date_stamp(event.date)));
        // DTEND is exclusive, so a one-day event ends the next day. On chrono's last day we leave
        // DTEND out, which RFC 5545 §3.6.1 also reads as one day.
        if let Some(next_day) = event.date.checked_add_days(Days::new(1)) {
            self.line(&format!("DTEND;VALUE=DATE:{}", date_stamp(next_day)));
        }
        self.text("SUMMARY", &event.title);
        self.optional_text("DESCRIPTION", &event.description);
        // A deadline is not a meeting: it should not mark the student as busy all day.
        self.line("TRANSP:TRANSPARENT");
        self.line("BEGIN:VALARM");
        self.line("ACTION:DISPLAY");
        self.text("DESCRIPTION", &event.title);
        self.line(&format!("TRIGGER:-P{DEADLINE_REMINDER_DAYS}D"));
        self.line("END:VALARM");
    }
}

/// A UTC DATE-TIME in the `YYYYMMDDTHHMMSSZ` form.
fn utc_stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A DATE in the `YYYYMMDD` form.
fn date_stamp(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};

    use crate::calendar::{
        escape_text, to_ics, CalendarEvent, DeadlineEvent, TimedEvent, MAX_LINE_OCTETS,
        PROGRAM_ZONE,
    };
    use crate::domain::{
        MentoringSession, SessionFormat, SessionState, VisaStep, VisaStepState, Workshop,
    };
    use crate::ids::RecordId;

    pub(crate) fn instant(
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
    ) -> DateTime<Utc> {
        match Utc
            .with_ymd_and_hms(year, month, day, hour, minute, 0)
            .single()
        {
            Some(instant) => instant,
            None => panic!("bad test instant {year}-{month}-{day} {hour}:{minute}"),
        }
    }

    pub(crate) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        match NaiveDate::from_ymd_opt(year, month, day) {
            Some(date) => date,
            None => panic!("bad test date {year}-{month}-{day}"),
        }
    }

    /// Joins folded lines back together (RFC 5545 §3.1: a CRLF followed by one space or tab).
    pub(crate) fn unfold(text: &str) -> String {
        text.replace("\r\n ", "").replace("\r\n\t", "")
    }

    /// The inverse of `escape_text` (RFC 5545 §3.3.11 also allows `\N` for a line break).
    pub(crate) fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(ch) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(escaped) => out.push(escaped),
                None => out.push('\\'),
            }
        }
        out
    }

    /// The value of the first property named `name` in an unfolded calendar, unescaped.
    pub(crate) fn property(unfolded: &str, name: &str) -> Option<String> {
        let prefix = format!("{name}:");
        unfolded
            .split("\r\n")
            .find_map(|line| line.strip_prefix(prefix.as_str()))
            .map(unescape)
    }

    pub(crate) fn session(title: &str) -> CalendarEvent {
        CalendarEvent::MentoringSession(TimedEvent {
            id: RecordId::from("s1"),
            starts_at: instant(2026, 3, 2, 6, 30),
            duration_minutes: 60,
            title: title.to_owned(),
            location: String::new(),
            description: String::new(),
        })
    }

    #[test]
    fn escaping_follows_rfc_5545_text_rules() {
        let table = [
            ("plain", "plain"),
            (r"back\slash", r"back\\slash"),
            ("a;b", r"a\;b"),
            ("a,b", r"a\,b"),
            ("line\nbreak", r"line\nbreak"),
            ("windows\r\nbreak", r"windows\nbreak"),
            ("old mac\rbreak", r"old mac\nbreak"),
            ("two\r\r\nbreaks", r"two\n\nbreaks"),
            ("tab\tkept", "tab\tkept"),
            ("bell\u{7}dropped", "belldropped"),
            ("colon: and \"quotes\" stay", "colon: and \"quotes\" stay"),
            ("臺大, 國際;導師\\計畫", r"臺大\, 國際\;導師\\計畫"),
        ];
        for (input, expected) in table {
            assert_eq!(escape_text(input), expected, "escaping {input:?}");
        }
    }

    #[test]
    fn a_long_chinese_summary_folds_at_75_octets_and_unfolds_back() {
        let summary =
            "臺灣大學國際人才培育計畫導師會談：討論實習工作許可、求職居留與就業金卡申請時程"
                .repeat(3);
        let ics = to_ics("IMP", &[session(&summary)], instant(2026, 3, 1, 0, 0));

        let physical_lines: Vec<&str> = ics.split("\r\n").collect();
        let summary_start = physical_lines
            .iter()
            .position(|line| line.starts_with("SUMMARY:"));
        let Some(summary_start) = summary_start else {
            panic!("no SUMMARY in {ics}");
        };
        let continuation_count = physical_lines[summary_start + 1..]
            .iter()
            .take_while(|line| line.starts_with(' '))
            .count();
        assert!(
            continuation_count >= 3,
            "a 300-octet summary spans several lines"
        );

        let folded = &physical_lines[summary_start..=summary_start + continuation_count];
        for (index, line) in folded.iter().enumerate() {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "line {index} has {} octets",
                line.len()
            );
            // Counting characters instead of octets, or folding too early, would fail one of
            // these: every line but the last is full up to the width of one CJK character.
            if index + 1 < folded.len() {
                assert!(
                    line.len() > MAX_LINE_OCTETS - 3,
                    "line {index} is only {} octets",
                    line.len()
                );
            }
        }
        assert_eq!(property(&unfold(&ics), "SUMMARY"), Some(summary));
    }

    #[test]
    fn folding_never_splits_a_multi_byte_character() {
        // Offsets 0..4 shift where the 75-octet boundary lands inside 3- and 4-octet characters.
        for padding in 0..4 {
            let title = format!("{}{}", "x".repeat(padding), "會談🙂".repeat(40));
            let ics = to_ics("IMP", &[session(&title)], instant(2026, 3, 1, 0, 0));
            for line in ics.as_bytes().split(|byte| *byte == b'\n') {
                assert!(
                    line.len() <= MAX_LINE_OCTETS + 1,
                    "line longer than 75 octets + CR"
                );
                assert!(
                    std::str::from_utf8(line).is_ok(),
                    "a fold split a character"
                );
            }
            assert_eq!(property(&unfold(&ics), "SUMMARY"), Some(title));
        }
    }

    #[test]
    fn every_line_ends_with_crlf() {
        let events = [
            session("multi\nline\r\nsummary"),
            CalendarEvent::VisaDeadline(DeadlineEvent {
                id: RecordId::from("v1"),
                date: date(2026, 7, 4),
                title: "Job-seeking residence".to_owned(),
                description: "first\nsecond".to_owned(),
            }),
        ];
        let ics = to_ics("IMP\nCalendar", &events, instant(2026, 3, 1, 0, 0));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        let bytes = ics.as_bytes();
        for (index, byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => assert!(index > 0 && bytes[index - 1] == b'\r', "bare LF at {index}"),
                b'\r' => assert_eq!(bytes.get(index + 1), Some(&b'\n'), "bare CR at {index}"),
                _ => {}
            }
        }
    }

    #[test]
    fn timed_events_are_utc_and_deadlines_are_all_day() {
        let timed = CalendarEvent::Workshop(TimedEvent {
            id: RecordId::from("w1"),
            // 23:30 + 90 minutes crosses midnight and a month end.
            starts_at: instant(2026, 1, 31, 23, 30),
            duration_minutes: 90,
            title: "CV clinic".to_owned(),
            location: String::new(),
            description: String::new(),
        });
        let year_end = CalendarEvent::VisaDeadline(DeadlineEvent {
            id: RecordId::from("v1"),
            date: date(2026, 12, 31),
            title: "Renew".to_owned(),
            description: String::new(),
        });
        let leap_day = CalendarEvent::VisaDeadline(DeadlineEvent {
            id: RecordId::from("v2"),
            date: date(2028, 2, 28),
            title: "Renew".to_owned(),
            description: String::new(),
        });
        let table = [
            (timed, "DTSTART:20260131T233000Z", "DTEND:20260201T010000Z"),
            (
                year_end,
                "DTSTART;VALUE=DATE:20261231",
                "DTEND;VALUE=DATE:20270101",
            ),
            (
                leap_day,
                "DTSTART;VALUE=DATE:20280228",
                "DTEND;VALUE=DATE:20280229",
            ),
        ];
        for (event, start, end) in table {
            let ics = to_ics(
                "IMP",
                std::slice::from_ref(&event),
                instant(2026, 1, 1, 8, 5),
            );
            let lines: Vec<&str> = ics.split("\r\n").collect();
            assert!(lines.contains(&start), "{start} missing in {ics}");
            assert!(lines.contains(&end), "{end} missing in {ics}");
            assert!(lines.contains(&"DTSTAMP:20260101T080500Z"), "{ics}");
        }
    }

    #[test]
    fn a_small_calendar_matches_the_golden_text() {
        let events = [
            CalendarEvent::MentoringSession(TimedEvent {
                id: RecordId::from("s-1"),
                starts_at: instant(2026, 3, 2, 6, 30),
                duration_minutes: 45,
                title: "Mentoring with Lin, Mei-Hua".to_owned(),
                location: "NTU Library; Room 3".to_owned(),
                description: "CV review\nMock interview".to_owned(),
            }),
            CalendarEvent::VisaDeadline(DeadlineEvent {
                id: RecordId::from("v-7"),
                date: date(2026, 7, 4),
                title: "Apply for job-seeking residence".to_owned(),
                description: String::new(),
            }),
        ];
        let expected = concat!(
            "BEGIN:VCALENDAR\r\n",
            "VERSION:2.0\r\n",
            "PRODID:-//IMP Companion//Calendar export//EN\r\n",
            "CALSCALE:GREGORIAN\r\n",
            "METHOD:PUBLISH\r\n",
            "X-WR-CALNAME:IMP 2026\r\n",
            "BEGIN:VEVENT\r\n",
            "UID:session-s-1@imp-companion\r\n",
            "DTSTAMP:20260301T120000Z\r\n",
            "DTSTART:20260302T063000Z\r\n",
            "DTEND:20260302T071500Z\r\n",
            "SUMMARY:Mentoring with Lin\\, Mei-Hua\r\n",
            "LOCATION:NTU Library\\; Room 3\r\n",
            "DESCRIPTION:CV review\\nMock interview\r\n",
            "END:VEVENT\r\n",
            "BEGIN:VEVENT\r\n",
            "UID:visa-v-7@imp-companion\r\n",
            "DTSTAMP:20260301T120000Z\r\n",
            "DTSTART;VALUE=DATE:20260704\r\n",
            "DTEND;VALUE=DATE:20260705\r\n",
            "SUMMARY:Apply for job-seeking residence\r\n",
            "TRANSP:TRANSPARENT\r\n",
            "BEGIN:VALARM\r\n",
            "ACTION:DISPLAY\r\n",
            "DESCRIPTION:Apply for job-seeking residence\r\n",
            "TRIGGER:-P7D\r\n",
            "END:VALARM\r\n",
            "END:VEVENT\r\n",
            "END:VCALENDAR\r\n",
        );
        assert_eq!(
            to_ics("IMP 2026", &events, instant(2026, 3, 1, 12, 0)),
            expected
        );
    }

    #[test]
    fn an_empty_calendar_is_still_a_valid_vcalendar() {
        let ics = to_ics("Empty", &[], instant(2026, 3, 1, 12, 0));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("X-WR-CALNAME:Empty\r\nEND:VCALENDAR\r\n"));
        assert!(!ics.contains("VEVENT"));
    }

    #[test]
    fn uids_are_stable_and_distinct_across_kinds() {
        let timed = |id: &str| TimedEvent {
            id: RecordId::from(id),
            starts_at: instant(2026, 3, 2, 6, 30),
            duration_minutes: 30,
            title: "t".to_owned(),
            location: String::new(),
            description: String::new(),
        };
        let table = [
            (
                CalendarEvent::MentoringSession(timed("a1")),
                "session-a1@imp-companion",
            ),
            (
                CalendarEvent::Workshop(timed("a1")),
                "workshop-a1@imp-companion",
            ),
            (
                CalendarEvent::VisaDeadline(DeadlineEvent {
                    id: RecordId::from("a1"),
                    date: date(2026, 7, 4),
                    title: "t".to_owned(),
                    description: String::new(),
                }),
                "visa-a1@imp-companion",
            ),
        ];
        for (event, uid) in table {
            assert_eq!(event.uid(), uid);
            assert_eq!(event.clone().uid(), event.uid(), "derived from data only");
        }
    }

    #[test]
    fn domain_records_become_events_unless_cancelled_done_or_undated() {
        let id = RecordId::from("r1");
        let workshop = Workshop {
            title: "Taiwan workplace culture".to_owned(),
            starts_at: instant(2026, 4, 1, 2, 0),
            duration_minutes: 120,
            place: "Room 101".to_owned(),
            capacity: 40,
            going: 0,
        };
        assert!(matches!(
            CalendarEvent::from_workshop(&id, &workshop),
            CalendarEvent::Workshop(TimedEvent { ref location, .. }) if location == "Room 101"
        ));

        let session_in = |state| MentoringSession {
            starts_at: instant(2026, 4, 2, 2, 0),
            time_zone: PROGRAM_ZONE.to_owned(),
            duration_minutes: 60,
            format: SessionFormat::Video,
            location: String::new(),
            agenda: "Goals".to_owned(),
            notes: String::new(),
            next_steps: String::new(),
            state,
        };
        let session_table = [
            (SessionState::Scheduled, true),
            (SessionState::Completed, true),
            (SessionState::Cancelled, false),
        ];
        for (state, exported) in session_table {
            let event = CalendarEvent::from_mentoring_session(&id, &session_in(state), "Mentor");
            assert_eq!(event.is_some(), exported, "{state:?}");
        }

        let step = |state, due_date| VisaStep {
            route: "job-seeking-residence".to_owned(),
            title: "Apply".to_owned(),
            authority: "National Immigration Agency".to_owned(),
            due_date,
            documents: Vec::new(),
            state,
            title_zh: String::new(),
            authority_zh: String::new(),
            documents_zh: Vec::new(),
            route_version: 0,
            fee_twd: None,
        };
        let due = Some(date(2026, 7, 4));
        let step_table = [
            (VisaStepState::Todo, due, true),
            (VisaStepState::InProgress, due, true),
            (VisaStepState::Submitted, due, true),
            (VisaStepState::Done, due, false),
            (VisaStepState::NotNeeded, due, false),
            (VisaStepState::Todo, None, false),
        ];
        for (state, due_date, exported) in step_table {
            let event = CalendarEvent::from_visa_step(&id, &step(state, due_date), false);
            assert_eq!(event.is_some(), exported, "{state:?} {due_date:?}");
        }
        // The deadline is titled in the reader's language, falling back to English.
        let mut translated = step(VisaStepState::Todo, due);
        translated.title_zh = "申請居留證".to_owned();
        let title = |event: Option<CalendarEvent>| match event {
            Some(CalendarEvent::VisaDeadline(deadline)) => deadline.title,
            other => panic!("a deadline, not {other:?}"),
        };
        assert_eq!(
            title(CalendarEvent::from_visa_step(&id, &translated, true)),
            "申請居留證"
        );
        assert_eq!(
            title(CalendarEvent::from_visa_step(&id, &translated, false)),
            translated.title
        );
        assert_eq!(
            title(CalendarEvent::from_visa_step(
                &id,
                &step(VisaStepState::Todo, due),
                true
            )),
            step(VisaStepState::Todo, due).title
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use crate::calendar::tests::{instant, property, session, unfold};
    use crate::calendar::{to_ics, MAX_LINE_OCTETS};

    /// What a summary should read after the round trip: line breaks in any convention become LF,
    /// and the ASCII control characters TEXT forbids are gone (see `escape_text`).
    fn normalized(text: &str) -> String {
        text.replace("\r\n", "\n")
            .replace('\r', "\n")
            .chars()
            .filter(|ch| !ch.is_ascii_control() || *ch == '\n' || *ch == '\t')
            .collect()
    }

    proptest! {
        #[test]
        fn unfolding_and_unescaping_returns_the_summary(summary in any::<String>()) {
            let ics = to_ics("IMP", &[session(&summary)], instant(2026, 3, 1, 0, 0));
            prop_assert_eq!(property(&unfold(&ics), "SUMMARY"), Some(normalized(&summary)));
        }

        #[test]
        fn printable_summaries_survive_exactly(summary in "[^\\x00-\\x08\\x0B-\\x1F\\x7F]*") {
            let ics = to_ics("IMP", &[session(&summary)], instant(2026, 3, 1, 0, 0));
            prop_assert_eq!(property(&unfold(&ics), "SUMMARY"), Some(summary));
        }

        #[test]
        fn no_physical_line_exceeds_75_octets(summary in any::<String>(), name in any::<String>()) {
            let ics = to_ics(&name, &[session(&summary)], instant(2026, 3, 1, 0, 0));
            for line in ics.split("\r\n") {
                prop_assert!(line.len() <= MAX_LINE_OCTETS);
                prop_assert!(!line.contains('\n') && !line.contains('\r'));
            }
        }
    }
}
