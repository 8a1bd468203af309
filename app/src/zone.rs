//! The app's time-zone maths, from the browser's own time-zone data (`Intl.DateTimeFormat`)
//! instead of a hand-kept table of offsets: a zone with daylight saving time (`Europe/London`)
//! gets the offset in force at each instant, and a zone the browser does not know gets `None`,
//! never a guess.
//!
//! Unknown zones: `offset_at`, `to_local` and `local_to_utc` answer `None`. A screen that must
//! still show the time uses `local_or_utc`: the time in UTC, followed by " UTC", so it is never
//! shown silently in some other zone. The program's own zone (`PROGRAM_ZONE`) always has an
//! answer (`in_program_zone`, `program_offset_at`).
//!
//! Native builds (the unit tests) have no `Intl`; there `offset_at` knows only UTC and the
//! program zone, whose offset never changes. The DST-correcting step of `local_to_utc` is the
//! pure `resolve_local`, tested natively with a made-up zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, Utc};

/// The program's time zone, `Asia/Taipei` (written once, in the shared crate).
pub use imp_shared::calendar::PROGRAM_ZONE;

/// The offset of `PROGRAM_ZONE`, `Asia/Taipei`: +08:00 all year, as Taiwan has had no daylight
/// saving time since 1979. Used only where the browser cannot answer (and natively, in tests);
/// it must change if `PROGRAM_ZONE` ever does.
const PROGRAM_ZONE_OFFSET_SECONDS: i32 = 8 * 3600;

/// The offset from UTC in force in `zone` (an IANA name such as `Europe/London`) at the instant
/// `at`, from the browser's time-zone data; `None` for a zone the browser does not know.
pub fn offset_at(zone: &str, at: DateTime<Utc>) -> Option<FixedOffset> {
    #[cfg(target_arch = "wasm32")]
    {
        intl::offset_at(zone, at)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = at;
        match zone {
            "UTC" | "Etc/UTC" => FixedOffset::east_opt(0),
            PROGRAM_ZONE => FixedOffset::east_opt(PROGRAM_ZONE_OFFSET_SECONDS),
            _ => None,
        }
    }
}

/// The instant `at` on the wall clock of `zone`; `None` for a zone the browser does not know.
pub fn to_local(zone: &str, at: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
    offset_at(zone, at).map(|offset| at.with_timezone(&offset))
}

/// The instant a wall-clock date and time in `zone` names, right across daylight saving time.
/// `None` for a zone the browser does not know, and for a time that never happens there (in the
/// hour skipped when clocks go forward); a time that happens twice (clocks going back) is the
/// earlier one. See `resolve_local`.
pub fn local_to_utc(zone: &str, day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    resolve_local(day.and_time(time), |at| offset_at(zone, at))
}

/// The instant a wall-clock time `local` names in a zone whose offset at each instant is
/// `offset_at` (`None`: an unknown zone). Pure, so it is tested without a browser.
///
/// The guesses are the offsets in force a day before and a day after `local` read as UTC. Every
/// instant whose wall clock could read `local` lies within 14 hours of it, and no zone changes
/// its offset twice within two days, so the offset at the answer is one of these two. A guess is
/// kept only if the offset at the instant it gives really is that guess; then:
/// - no guess holds: `local` is in a spring-forward gap and never happens → `None`
///   (never moved to another time: the person typed a time that does not exist);
/// - both hold: `local` is in a fall-back overlap and happens twice → the earlier instant;
/// - an unknown zone → `None`.
pub fn resolve_local(
    local: NaiveDateTime,
    offset_at: impl Fn(DateTime<Utc>) -> Option<FixedOffset>,
) -> Option<DateTime<Utc>> {
    let as_utc = local.and_utc();
    let day = TimeDelta::days(1);
    let before = offset_at(as_utc.checked_sub_signed(day)?)?;
    let after = offset_at(as_utc.checked_add_signed(day)?)?;
    let mut found: Option<DateTime<Utc>> = None;
    for guess in [before, after] {
        let at = local
            .checked_sub_signed(TimeDelta::seconds(guess.local_minus_utc().into()))?
            .and_utc();
        if offset_at(at)? == guess {
            found = Some(found.map_or(at, |other| other.min(at)));
        }
        if before == after {
            break;
        }
    }
    found
}

/// The offset of the program's zone at `at` (+08:00: see `PROGRAM_ZONE_OFFSET_SECONDS`).
pub fn program_offset_at(at: DateTime<Utc>) -> FixedOffset {
    offset_at(PROGRAM_ZONE, at)
        .or_else(|| FixedOffset::east_opt(PROGRAM_ZONE_OFFSET_SECONDS))
        .unwrap_or_else(|| Utc.fix())
}

/// The instant `at` on the program zone's wall clock (workshops, deadlines, the sync time).
pub fn in_program_zone(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&program_offset_at(at))
}

/// The instant `at` on the wall clock of `zone`, with what to write after the time: nothing, or
/// " UTC" when the browser does not know `zone` and the time is shown in UTC instead. A record's
/// zone is never replaced silently by another zone's offset.
pub fn local_or_utc(zone: &str, at: DateTime<Utc>) -> (DateTime<FixedOffset>, &'static str) {
    match to_local(zone, at) {
        Some(local) => (local, ""),
        None => (at.with_timezone(&Utc.fix()), " UTC"),
    }
}

/// `Intl.DateTimeFormat`, one formatter per zone, kept for the page's life.
#[cfg(target_arch = "wasm32")]
mod intl {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
    use js_sys::Intl::{
        DateTimeFormat, DateTimeFormatOptions, DateTimeFormatPart, DateTimeFormatPartType,
        DayFormat, HourCycle, MonthFormat, NumericFormat, YearFormat,
    };
    use js_sys::{Array, Date, Function, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        /// The formatter of each zone asked about (`None`: the browser does not know the zone),
        /// so formatting many rows builds each formatter once.
        static FORMATS: RefCell<HashMap<String, Option<DateTimeFormat>>> =
            RefCell::new(HashMap::new());
    }

    /// See `super::offset_at`: the wall clock Intl shows for `at` minus `at` itself.
    pub(super) fn offset_at(zone: &str, at: DateTime<Utc>) -> Option<FixedOffset> {
        let format = formatter(zone)?;
        // Intl shows whole seconds, so the instant is taken to the second too.
        let seconds = at.timestamp();
        let utc = DateTime::from_timestamp(seconds, 0)?.naive_utc();
        let date = Date::new(&JsValue::from_f64(seconds as f64 * 1000.0));
        let local = wall_clock(&format.format_to_parts(&date))?;
        FixedOffset::east_opt(i32::try_from((local - utc).num_seconds()).ok()?)
    }

    fn formatter(zone: &str) -> Option<DateTimeFormat> {
        FORMATS.with(|formats| {
            if let Some(known) = formats.borrow().get(zone) {
                return known.clone();
            }
            let built = build(zone);
            formats.borrow_mut().insert(zone.to_owned(), built.clone());
            built
        })
    }

    /// `new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", … numeric })`. The
    /// constructor throws a `RangeError` for a zone it does not know: `Reflect.construct` turns
    /// that into `Err`, which is `None` here (js-sys's own `DateTimeFormat::new` cannot catch it).
    fn build(zone: &str) -> Option<DateTimeFormat> {
        let options = DateTimeFormatOptions::new();
        options.set_time_zone(zone);
        options.set_calendar("gregory");
        options.set_numbering_system("latn");
        options.set_hour_cycle(HourCycle::H23);
        options.set_year(YearFormat::Numeric);
        options.set_month(MonthFormat::Numeric);
        options.set_day(DayFormat::Numeric);
        options.set_hour(NumericFormat::Numeric);
        options.set_minute(NumericFormat::Numeric);
        options.set_second(NumericFormat::Numeric);
        let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
        let constructor: Function = Reflect::get(&intl, &JsValue::from_str("DateTimeFormat"))
            .ok()?
            .dyn_into()
            .ok()?;
        let arguments = Array::of2(&JsValue::from_str("en-US"), &options);
        Reflect::construct(&constructor, &arguments)
            .ok()
            .map(JsCast::unchecked_into)
    }

    /// The date and time `formatToParts` gave, read from its numeric parts.
    fn wall_clock(parts: &Array) -> Option<NaiveDateTime> {
        let (mut year, mut month, mut day) = (None, None, None);
        let (mut hour, mut minute, mut second) = (None, None, None);
        for part in parts.iter() {
            let part: DateTimeFormatPart = part.unchecked_into();
            let slot = match part.type_() {
                DateTimeFormatPartType::Year => &mut year,
                DateTimeFormatPartType::Month => &mut month,
                DateTimeFormatPartType::Day => &mut day,
                DateTimeFormatPartType::Hour => &mut hour,
                DateTimeFormatPartType::Minute => &mut minute,
                DateTimeFormatPartType::Second => &mut second,
                _ => continue,
            };
            *slot = part
                .value()
                .as_string()
                .and_then(|value| value.parse::<i32>().ok());
        }
        let unsigned = |value: Option<i32>| value.and_then(|value| u32::try_from(value).ok());
        // Older engines ignore `h23` and write midnight as hour 24 of the same day.
        let hour = unsigned(hour)? % 24;
        NaiveDate::from_ymd_opt(year?, unsigned(month)?, unsigned(day)?)?.and_hms_opt(
            hour,
            unsigned(minute)?,
            unsigned(second)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc, Weekday};

    use super::{local_or_utc, program_offset_at, resolve_local, PROGRAM_ZONE};

    /// The last Sunday of a month.
    fn last_sunday(year: i32, month: u32) -> NaiveDate {
        let mut day = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap_or_default();
        day = day.pred_opt().unwrap_or_default();
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt().unwrap_or_default();
        }
        day
    }

    /// A made-up `Europe/London`: +00:00 in winter, +01:00 from 01:00 UTC on the last Sunday of
    /// March to 01:00 UTC on the last Sunday of October.
    fn london(at: DateTime<Utc>) -> Option<FixedOffset> {
        let change = |month| {
            last_sunday(at.year(), month)
                .and_hms_opt(1, 0, 0)
                .map(|t| t.and_utc())
        };
        let summer = change(3)? <= at && at < change(10)?;
        FixedOffset::east_opt(if summer { 3600 } else { 0 })
    }

    fn in_london(local: &str) -> Option<String> {
        let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").ok()?;
        resolve_local(local, london).map(|at| at.format("%Y-%m-%d %H:%M").to_string())
    }

    #[test]
    fn the_made_up_london_changes_on_the_right_sundays() {
        assert_eq!(
            last_sunday(2026, 3),
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap_or_default()
        );
        assert_eq!(
            last_sunday(2026, 10),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap_or_default()
        );
    }

    #[test]
    fn a_summer_session_in_london_is_an_hour_earlier_in_utc() {
        assert_eq!(
            in_london("2026-07-01 10:00").as_deref(),
            Some("2026-07-01 09:00")
        );
        // The first whole hour of summer time.
        assert_eq!(
            in_london("2026-03-29 02:00").as_deref(),
            Some("2026-03-29 01:00")
        );
    }

    #[test]
    fn a_winter_session_in_london_is_at_the_same_time_in_utc() {
        assert_eq!(
            in_london("2026-01-15 10:00").as_deref(),
            Some("2026-01-15 10:00")
        );
        assert_eq!(
            in_london("2026-12-31 23:30").as_deref(),
            Some("2026-12-31 23:30")
        );
        // The last minute before the clocks go forward.
        assert_eq!(
            in_london("2026-03-29 00:59").as_deref(),
            Some("2026-03-29 00:59")
        );
    }

    #[test]
    fn a_time_skipped_when_clocks_go_forward_does_not_exist() {
        assert_eq!(in_london("2026-03-29 01:00"), None);
        assert_eq!(in_london("2026-03-29 01:30"), None);
        assert_eq!(in_london("2026-03-29 01:59"), None);
    }

    #[test]
    fn a_time_that_happens_twice_when_clocks_go_back_is_the_earlier() {
        // 01:30 on 25 October 2026 happens at 00:30 UTC (summer time) and 01:30 UTC.
        assert_eq!(
            in_london("2026-10-25 01:30").as_deref(),
            Some("2026-10-25 00:30")
        );
        assert_eq!(
            in_london("2026-10-25 01:00").as_deref(),
            Some("2026-10-25 00:00")
        );
        assert_eq!(
            in_london("2026-10-25 00:59").as_deref(),
            Some("2026-10-24 23:59")
        );
        assert_eq!(
            in_london("2026-10-25 02:00").as_deref(),
            Some("2026-10-25 02:00")
        );
    }

    #[test]
    fn an_unknown_zone_has_no_instant() {
        let local = NaiveDate::from_ymd_opt(2026, 7, 1)
            .and_then(|day| day.and_hms_opt(10, 0, 0))
            .unwrap_or_default();
        assert_eq!(resolve_local(local, |_| None), None);
    }

    #[test]
    fn the_program_zone_is_taipei_at_eight_hours_ahead() {
        let at = DateTime::from_timestamp(1_782_000_000, 0).unwrap_or_default();
        assert_eq!(program_offset_at(at).local_minus_utc(), 8 * 3600);
        let (local, mark) = local_or_utc(PROGRAM_ZONE, at);
        assert_eq!((local.offset().local_minus_utc(), mark), (8 * 3600, ""));
    }

    #[test]
    fn an_unknown_zone_is_shown_in_utc_and_says_so() {
        let at = DateTime::from_timestamp(1_782_000_000, 0).unwrap_or_default();
        let (local, mark) = local_or_utc("Mars/Olympus_Mons", at);
        assert_eq!((local.offset().local_minus_utc(), mark), (0, " UTC"));
        assert_eq!(local.naive_local(), at.naive_utc());
    }
}

/// The same, on the browser's own time-zone data (`wasm-bindgen-test`, with the `--lib` tests).
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use chrono::{DateTime, NaiveDate, NaiveTime};
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{local_to_utc, offset_at, to_local, PROGRAM_ZONE};

    fn instant(text: &str) -> DateTime<chrono::Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.to_utc())
            .unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[wasm_bindgen_test]
    fn london_keeps_summer_time_and_taipei_does_not() {
        let summer = instant("2026-07-01T09:00:00Z");
        let winter = instant("2026-01-15T10:00:00Z");
        let seconds = |zone, at| offset_at(zone, at).map(|offset| offset.local_minus_utc());
        assert_eq!(seconds("Europe/London", summer), Some(3600));
        assert_eq!(seconds("Europe/London", winter), Some(0));
        assert_eq!(seconds(PROGRAM_ZONE, summer), Some(8 * 3600));
        assert_eq!(seconds(PROGRAM_ZONE, winter), Some(8 * 3600));
        assert_eq!(seconds("Asia/Kolkata", winter), Some(5 * 3600 + 1800));
        let local = to_local("Europe/London", summer).map(|at| at.format("%H:%M").to_string());
        assert_eq!(local.as_deref(), Some("10:00"));
    }

    #[wasm_bindgen_test]
    fn an_unknown_zone_is_none_every_time() {
        let at = instant("2026-07-01T09:00:00Z");
        assert_eq!(offset_at("Mars/Olympus_Mons", at), None);
        assert_eq!(offset_at("Mars/Olympus_Mons", at), None, "from the cache");
        assert_eq!(
            local_to_utc("Mars/Olympus_Mons", day(2026, 7, 1), time(10, 0)),
            None
        );
    }

    #[wasm_bindgen_test]
    fn wall_clock_times_become_the_right_instants() {
        let london = |d, t| local_to_utc("Europe/London", d, t).map(|at| at.to_rfc3339());
        assert_eq!(
            london(day(2026, 7, 1), time(10, 0)).as_deref(),
            Some("2026-07-01T09:00:00+00:00")
        );
        assert_eq!(
            london(day(2026, 1, 15), time(10, 0)).as_deref(),
            Some("2026-01-15T10:00:00+00:00")
        );
        assert_eq!(london(day(2026, 3, 29), time(1, 30)), None);
        assert_eq!(
            london(day(2026, 10, 25), time(1, 30)).as_deref(),
            Some("2026-10-25T00:30:00+00:00")
        );
        let deadline = local_to_utc(PROGRAM_ZONE, day(2026, 12, 9), time(23, 59));
        assert_eq!(
            deadline.map(|at| at.to_rfc3339()).as_deref(),
            Some("2026-12-09T15:59:00+00:00")
        );
    }
}
