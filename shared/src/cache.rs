//! A small time-bounded cache, pure (the caller passes the clock): the Worker keeps signed-in
//! sessions in one per isolate so a sync does not cost a D1 query, while logout and deactivation
//! still take effect within [`SESSION_CACHE_SECONDS`].

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Duration, Utc};

/// How long a session the Worker has checked is trusted without asking D1 again. Logout and
/// deactivation forget the session at once in the isolate that handles them; in any other
/// isolate the session stops working at most this long afterwards.
pub const SESSION_CACHE_SECONDS: i64 = 30;

/// Most entries a cache holds; past it, the oldest half is forgotten.
pub const CACHE_CAPACITY: usize = 10_000;

/// Values that are trusted for `ttl` after they were checked.
#[derive(Debug, Clone)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: HashMap<K, (V, DateTime<Utc>)>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache whose entries live `ttl_seconds` and which holds at most `capacity`.
    pub fn new(ttl_seconds: i64, capacity: usize) -> Self {
        Self {
            ttl: Duration::seconds(ttl_seconds.max(0)),
            capacity: capacity.max(1),
            entries: HashMap::new(),
        }
    }

    /// Changes how long entries are trusted (the test hooks shorten it).
    pub fn set_ttl(&mut self, ttl_seconds: i64) {
        self.ttl = Duration::seconds(ttl_seconds.max(0));
    }

    /// The value, when it was checked less than `ttl` before `now`. An entry checked "in the
    /// future" (the clock went back) is not trusted either.
    pub fn get(&self, key: &K, now: DateTime<Utc>) -> Option<V> {
        let (value, checked_at) = self.entries.get(key)?;
        let age = now - *checked_at;
        (age >= Duration::zero() && age < self.ttl).then(|| value.clone())
    }

    /// Keeps a value checked at `now`.
    pub fn put(&mut self, key: K, value: V, now: DateTime<Utc>) {
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            self.evict(now);
        }
        self.entries.insert(key, (value, now));
    }

    /// Forgets one key.
    pub fn forget(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Forgets every entry whose value matches (all sessions of a deactivated account).
    pub fn forget_where(&mut self, mut matches: impl FnMut(&V) -> bool) {
        self.entries.retain(|_, (value, _)| !matches(value));
    }

    /// How many entries are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops expired entries; if that frees nothing, drops the older half.
    fn evict(&mut self, now: DateTime<Utc>) {
        let ttl = self.ttl;
        self.entries.retain(|_, (_, checked_at)| {
            let age = now - *checked_at;
            age >= Duration::zero() && age < ttl
        });
        if self.entries.len() >= self.capacity {
            let mut times: Vec<DateTime<Utc>> = self.entries.values().map(|(_, at)| *at).collect();
            times.sort_unstable();
            let cut = times[times.len() / 2];
            self.entries.retain(|_, (_, checked_at)| *checked_at > cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + seconds, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn an_entry_is_trusted_for_its_ttl_and_not_a_second_longer() {
        let mut cache = TtlCache::new(SESSION_CACHE_SECONDS, 10);
        cache.put("token", "ana", at(0));
        assert_eq!(cache.get(&"token", at(0)), Some("ana"));
        assert_eq!(
            cache.get(&"token", at(SESSION_CACHE_SECONDS - 1)),
            Some("ana")
        );
        assert_eq!(cache.get(&"token", at(SESSION_CACHE_SECONDS)), None);
        assert_eq!(cache.get(&"token", at(-1)), None, "a clock that went back");
        assert_eq!(cache.get(&"other", at(0)), None);
    }

    #[test]
    fn forgetting_by_key_or_by_value() {
        let mut cache = TtlCache::new(60, 10);
        cache.put("t1", "ana", at(0));
        cache.put("t2", "ana", at(0));
        cache.put("t3", "ben", at(0));
        cache.forget(&"t3");
        assert_eq!(cache.get(&"t3", at(1)), None);
        cache.forget_where(|user| *user == "ana");
        assert!(cache.is_empty());
    }

    #[test]
    fn a_full_cache_drops_expired_entries_then_the_older_half() {
        let mut cache = TtlCache::new(10, 4);
        for n in 0..4 {
            cache.put(n, n, at(n as i64));
        }
        // At 12, entries checked at 0, 1 and 2 have expired.
        cache.put(9, 9, at(12));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&3, at(12)), Some(3));
        for n in 20..23 {
            cache.put(n, n, at(13));
        }
        assert!(cache.len() <= 4);
        assert_eq!(cache.get(&22, at(13)), Some(22), "the newest entry is kept");
    }
}
