//! The matcher's reasons in words: the one place they are rendered, with one renderer per language,
//! English (`*_en`, also staff's log language, so `text` is English) and Traditional Chinese
//! (zh-TW, `*_zh`). The data rendered, [`Explanation`] and [`UnmatchedReason`], is in the parent
//! module; the app picks the renderer for its language.
//!
//! The texts are what the app shows and its end-to-end tests read: change them deliberately.

use super::{Explanation, MentorNote, UnmatchedReason};

impl Explanation {
    /// English, the same as [`Explanation::text_en`].
    pub fn text(&self) -> String {
        self.text_en()
    }

    /// English for staff, e.g. "2nd choice; mentor speaks Vietnamese; the position has 2 places;
    /// 1st choice's 2 places went to 2 other students (placing the most students comes first)".
    pub fn text_en(&self) -> String {
        let mut parts = vec![format!("{} choice", ordinal(u32::from(self.rank)))];
        match &self.mentor {
            MentorNote::Assigned {
                shared_languages,
                expert_in_industry,
            } => {
                if shared_languages.is_empty() {
                    parts.push("mentor shares no language".to_owned());
                } else {
                    parts.push(format!("mentor speaks {}", join_list(shared_languages)));
                }
                if *expert_in_industry {
                    parts.push(format!("mentor has {} expertise", self.industry));
                }
            }
            MentorNote::NoneAtOrganization => {
                parts.push("no mentor: the organization has none in this round".to_owned());
            }
            MentorNote::AllAtCapacity => {
                parts.push("no mentor: the organization's mentors are at capacity".to_owned());
            }
        }
        let unit = if self.slots == 1 { "place" } else { "places" };
        parts.push(format!("the position has {} {unit}", self.slots));
        if self.interested_in_industry {
            parts.push(format!("interested in {}", self.industry));
        }
        if !self.position_languages_spoken.is_empty() {
            parts.push(format!(
                "speaks {} as the position asks",
                join_list(&self.position_languages_spoken)
            ));
        }
        for better in &self.better_choices {
            let choice = ordinal(u32::from(better.rank));
            parts.push(match (better.places, better.given_to.len()) {
                (0, _) => format!("{choice} choice is closed or has no places"),
                (places, others) => format!(
                    "{choice} choice's {places} {} went to {others} other {} (placing the most \
                     students comes first)",
                    if places == 1 { "place" } else { "places" },
                    if others == 1 { "student" } else { "students" },
                ),
            });
        }
        parts.join("; ")
    }

    /// Traditional Chinese, the same parts in the same order as [`Explanation::text_en`], e.g.
    /// "第 2 志願；導師會說 Vietnamese；職缺共 2 個名額". Language and industry names stay as the
    /// data spells them.
    pub fn text_zh(&self) -> String {
        let mut parts = vec![format!("第 {} 志願", self.rank)];
        match &self.mentor {
            MentorNote::Assigned {
                shared_languages,
                expert_in_industry,
            } => {
                if shared_languages.is_empty() {
                    parts.push("導師與學生沒有共同語言".to_owned());
                } else {
                    parts.push(format!("導師會說 {}", shared_languages.join("、")));
                }
                if *expert_in_industry {
                    parts.push(format!("導師具 {} 專長", self.industry));
                }
            }
            MentorNote::NoneAtOrganization => parts.push("無導師：該單位本輪沒有導師".to_owned()),
            MentorNote::AllAtCapacity => parts.push("無導師：該單位導師名額已滿".to_owned()),
        }
        parts.push(format!("職缺共 {} 個名額", self.slots));
        if self.interested_in_industry {
            parts.push(format!("對 {} 有興趣", self.industry));
        }
        if !self.position_languages_spoken.is_empty() {
            parts.push(format!(
                "會說職缺需要的 {}",
                self.position_languages_spoken.join("、")
            ));
        }
        for better in &self.better_choices {
            parts.push(match better.places {
                0 => format!("第 {} 志願已關閉或沒有名額", better.rank),
                places => format!(
                    "第 {} 志願的 {places} 個名額已給其他 {} 位學生（以讓最多學生獲得配對為優先）",
                    better.rank,
                    better.given_to.len()
                ),
            });
        }
        parts.join("；")
    }
}

impl UnmatchedReason {
    /// English, the same as [`UnmatchedReason::text_en`].
    pub fn text(&self) -> String {
        self.text_en()
    }

    /// English for staff.
    pub fn text_en(&self) -> String {
        match *self {
            Self::NoChoices => "ranked no positions".to_owned(),
            Self::NoOpenChoice { ranked: 1 } => "their only ranked position is not open".to_owned(),
            Self::NoOpenChoice { ranked } => {
                format!("none of their {ranked} ranked positions is open")
            }
            Self::ChoicesFull { open_choices: 1 } => {
                "their only open choice is full with other students".to_owned()
            }
            Self::ChoicesFull { open_choices } => {
                format!("all {open_choices} of their open choices are full with other students")
            }
        }
    }

    /// Traditional Chinese.
    pub fn text_zh(&self) -> String {
        match *self {
            Self::NoChoices => "沒有填寫志願".to_owned(),
            Self::NoOpenChoice { ranked } => format!("填寫的 {ranked} 個志願都未開放"),
            Self::ChoicesFull { open_choices } => {
                format!("開放的 {open_choices} 個志願都已被其他學生額滿")
            }
        }
    }
}

/// The note beside a proposal, in English: that staff swapped it with the student named
/// `swapped_with`, otherwise why the matcher proposed it, or nothing without an explanation.
pub fn proposal_note_en(explanation: Option<&Explanation>, swapped_with: Option<&str>) -> String {
    match (swapped_with, explanation) {
        (Some(other), _) => format!("swapped by staff with {other}"),
        (None, Some(why)) => why.text_en(),
        (None, None) => String::new(),
    }
}

/// [`proposal_note_en`] in Traditional Chinese.
pub fn proposal_note_zh(explanation: Option<&Explanation>, swapped_with: Option<&str>) -> String {
    match (swapped_with, explanation) {
        (Some(other), _) => format!("計畫人員已與 {other} 交換"),
        (None, Some(why)) => why.text_zh(),
        (None, None) => String::new(),
    }
}

/// English ordinals: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd…
pub fn ordinal(number: u32) -> String {
    let suffix = match (number % 10, number % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{number}{suffix}")
}

/// "A", "A and B", "A, B and C".
fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{RecordId, UserId};
    use crate::matching::BetterChoice;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn ordinals_follow_english() {
        let table = [
            (1, "1st"),
            (2, "2nd"),
            (3, "3rd"),
            (4, "4th"),
            (10, "10th"),
            (11, "11th"),
            (12, "12th"),
            (13, "13th"),
            (21, "21st"),
            (22, "22nd"),
            (23, "23rd"),
            (101, "101st"),
            (111, "111th"),
            (112, "112th"),
        ];
        for (number, text) in table {
            assert_eq!(ordinal(number), text, "{number}");
        }
    }

    #[test]
    fn lists_join_in_english() {
        assert_eq!(join_list(&[]), "");
        assert_eq!(join_list(&strings(&["A"])), "A");
        assert_eq!(join_list(&strings(&["A", "B"])), "A and B");
        assert_eq!(join_list(&strings(&["A", "B", "C"])), "A, B and C");
    }

    #[test]
    fn explanations_read_in_both_languages() {
        let base = Explanation {
            rank: 2,
            slot: 1,
            slots: 2,
            industry: "Fintech".to_owned(),
            interested_in_industry: false,
            position_languages_spoken: Vec::new(),
            mentor: MentorNote::Assigned {
                shared_languages: strings(&["Vietnamese"]),
                expert_in_industry: false,
            },
            better_choices: Vec::new(),
        };
        let table = [
            (
                base.clone(),
                "2nd choice; mentor speaks Vietnamese; the position has 2 places",
                "第 2 志願；導師會說 Vietnamese；職缺共 2 個名額",
            ),
            (
                Explanation {
                    better_choices: vec![
                        BetterChoice {
                            rank: 1,
                            position_id: RecordId::from("p-1"),
                            places: 2,
                            given_to: vec![UserId::from("s-2"), UserId::from("s-3")],
                        },
                    ],
                    ..base.clone()
                },
                "2nd choice; mentor speaks Vietnamese; the position has 2 places; 1st choice's 2 \
                 places went to 2 other students (placing the most students comes first)",
                "第 2 志願；導師會說 Vietnamese；職缺共 2 個名額；第 1 志願的 2 個名額已給其他 2 位學生（以讓最多學生獲得配對為優先）",
            ),
            (
                Explanation {
                    rank: 3,
                    better_choices: vec![
                        BetterChoice {
                            rank: 1,
                            position_id: RecordId::from("p-1"),
                            places: 0,
                            given_to: Vec::new(),
                        },
                        BetterChoice {
                            rank: 2,
                            position_id: RecordId::from("p-2"),
                            places: 1,
                            given_to: vec![UserId::from("s-2")],
                        },
                    ],
                    ..base.clone()
                },
                "3rd choice; mentor speaks Vietnamese; the position has 2 places; 1st choice is \
                 closed or has no places; 2nd choice's 1 place went to 1 other student (placing \
                 the most students comes first)",
                "第 3 志願；導師會說 Vietnamese；職缺共 2 個名額；第 1 志願已關閉或沒有名額；第 2 志願的 1 個名額已給其他 1 位學生（以讓最多學生獲得配對為優先）",
            ),
            (
                Explanation {
                    rank: 1,
                    slot: 1,
                    slots: 1,
                    mentor: MentorNote::Assigned {
                        shared_languages: strings(&["English", "Vietnamese"]),
                        expert_in_industry: true,
                    },
                    ..base.clone()
                },
                "1st choice; mentor speaks English and Vietnamese; mentor has Fintech expertise; \
                 the position has 1 place",
                "第 1 志願；導師會說 English、Vietnamese；導師具 Fintech 專長；職缺共 1 個名額",
            ),
            (
                Explanation {
                    rank: 3,
                    slot: 2,
                    slots: 3,
                    mentor: MentorNote::Assigned {
                        shared_languages: Vec::new(),
                        expert_in_industry: false,
                    },
                    ..base.clone()
                },
                "3rd choice; mentor shares no language; the position has 3 places",
                "第 3 志願；導師與學生沒有共同語言；職缺共 3 個名額",
            ),
            (
                Explanation {
                    rank: 4,
                    mentor: MentorNote::NoneAtOrganization,
                    interested_in_industry: true,
                    ..base.clone()
                },
                "4th choice; no mentor: the organization has none in this round; the position has 2 \
                 places; interested in Fintech",
                "第 4 志願；無導師：該單位本輪沒有導師；職缺共 2 個名額；對 Fintech 有興趣",
            ),
            (
                Explanation {
                    rank: 10,
                    mentor: MentorNote::AllAtCapacity,
                    position_languages_spoken: strings(&["English", "Mandarin"]),
                    ..base.clone()
                },
                "10th choice; no mentor: the organization's mentors are at capacity; the position has \
                 2 places; speaks English and Mandarin as the position asks",
                "第 10 志願；無導師：該單位導師名額已滿；職缺共 2 個名額；會說職缺需要的 English、Mandarin",
            ),
        ];
        for (explanation, en, zh) in table {
            assert_eq!(explanation.text_en(), en);
            assert_eq!(explanation.text(), en);
            assert_eq!(explanation.text_zh(), zh);
        }
    }

    #[test]
    fn unmatched_reasons_read_in_both_languages() {
        let table = [
            (
                UnmatchedReason::NoChoices,
                "ranked no positions",
                "沒有填寫志願",
            ),
            (
                UnmatchedReason::NoOpenChoice { ranked: 1 },
                "their only ranked position is not open",
                "填寫的 1 個志願都未開放",
            ),
            (
                UnmatchedReason::NoOpenChoice { ranked: 3 },
                "none of their 3 ranked positions is open",
                "填寫的 3 個志願都未開放",
            ),
            (
                UnmatchedReason::ChoicesFull { open_choices: 1 },
                "their only open choice is full with other students",
                "開放的 1 個志願都已被其他學生額滿",
            ),
            (
                UnmatchedReason::ChoicesFull { open_choices: 2 },
                "all 2 of their open choices are full with other students",
                "開放的 2 個志願都已被其他學生額滿",
            ),
        ];
        for (reason, en, zh) in table {
            assert_eq!(reason.text_en(), en);
            assert_eq!(reason.text(), en);
            assert_eq!(reason.text_zh(), zh);
        }
    }

    #[test]
    fn proposal_notes_say_a_swap_first_in_both_languages() {
        let why = Explanation {
            rank: 1,
            slot: 1,
            slots: 1,
            industry: "Fintech".to_owned(),
            interested_in_industry: false,
            position_languages_spoken: Vec::new(),
            mentor: MentorNote::AllAtCapacity,
            better_choices: Vec::new(),
        };
        assert_eq!(
            proposal_note_en(Some(&why), None),
            "1st choice; no mentor: the organization's mentors are at capacity; the position has 1 \
             place"
        );
        assert_eq!(
            proposal_note_zh(Some(&why), None),
            "第 1 志願；無導師：該單位導師名額已滿；職缺共 1 個名額"
        );
        for why in [Some(&why), None] {
            assert_eq!(
                proposal_note_en(why, Some("Lan Nguyen")),
                "swapped by staff with Lan Nguyen"
            );
            assert_eq!(
                proposal_note_zh(why, Some("Lan Nguyen")),
                "計畫人員已與 Lan Nguyen 交換"
            );
        }
        assert_eq!(proposal_note_en(None, None), "");
        assert_eq!(proposal_note_zh(None, None), "");
    }

    /// Only the data (language and industry names) stays Latin in the Chinese.
    #[test]
    fn chinese_keeps_only_the_data_in_latin_letters() {
        let why = Explanation {
            rank: 2,
            slot: 1,
            slots: 2,
            industry: "Semiconductors".to_owned(),
            interested_in_industry: true,
            position_languages_spoken: strings(&["Mandarin"]),
            mentor: MentorNote::Assigned {
                shared_languages: strings(&["Vietnamese"]),
                expert_in_industry: true,
            },
            better_choices: vec![BetterChoice {
                rank: 1,
                position_id: RecordId::from("p-1"),
                places: 1,
                given_to: vec![UserId::from("s-2")],
            }],
        };
        let words = ["Vietnamese", "Semiconductors", "Mandarin"];
        let rest = words
            .iter()
            .fold(why.text_zh(), |text, word| text.replace(word, ""));
        assert!(!rest.chars().any(|c| c.is_ascii_alphabetic()), "{rest}");
    }
}
