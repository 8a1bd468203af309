//! How refusals and changes are worded for people, in English and 繁體中文: why a change was
//! refused (from the structured [`MutationError`], never the server's English), the names of
//! fields, record kinds and states, and what a pending or refused change was ("Task 'Book the ARC
//! appointment'"), never wire names or raw ids.

use imp_shared::apply::RecordView;
use imp_shared::domain::{Entity, RecordKind};
use imp_shared::error::{Denial, MutationError, Problem, Rule};
use imp_shared::mutation::Mutation;

use imp_shared::visa::{Anchor, DueRule};
use imp_shared::visa_chooser::{Warning, Why};

use crate::i18n::{format_date, Lang, Msg};

/// A record kind as people call it.
pub fn kind_label(lang: Lang, kind: RecordKind) -> &'static str {
    let (en, zh) = match kind {
        RecordKind::Cohort => ("Cohort", "梯次"),
        RecordKind::PartnerUniversity => ("Partner university", "夥伴大學"),
        RecordKind::Organization => ("Organization", "單位"),
        RecordKind::Position => ("Position", "職缺"),
        RecordKind::MentorProfile => ("Mentor profile", "導師資料"),
        RecordKind::Workshop => ("Workshop", "工作坊"),
        RecordKind::Announcement => ("Announcement", "公告"),
        RecordKind::VisaRoute => ("Visa route", "簽證路徑"),
        RecordKind::StudentProfile => ("Profile", "個人資料"),
        RecordKind::Ranking => ("Ranking", "志願排序"),
        RecordKind::Placement => ("Placement", "實習安排"),
        RecordKind::MentoringSession => ("Mentoring session", "輔導會談"),
        RecordKind::Goal => ("Goal", "目標"),
        RecordKind::Task => ("Task", "任務"),
        RecordKind::Rsvp => ("Workshop RSVP", "工作坊報名"),
        RecordKind::Attendance => ("Workshop check-in", "工作坊簽到"),
        RecordKind::JobApplication => ("Job application", "求職申請"),
        RecordKind::VisaStep => ("Visa step", "簽證步驟"),
        RecordKind::Feedback => ("Session feedback", "會談回饋"),
        RecordKind::Outcome => ("Outcome", "畢業成果"),
        RecordKind::ConcernFlag => ("Concern", "關注事項"),
        RecordKind::StaffNote => ("Staff note", "工作人員備註"),
        RecordKind::FlagReview => ("Pair-health flag review", "配對狀況提醒的處理"),
        RecordKind::Activity => ("Last active", "最近使用時間"),
        RecordKind::InboxDismissal => ("Dismissed reminder", "已略過的提醒"),
        RecordKind::EvaluationTemplate => ("Evaluation template", "評量範本"),
        RecordKind::Evaluation => ("Evaluation", "評量"),
        RecordKind::Enrollment => ("Enrolment", "註冊"),
        RecordKind::CheckinCode => ("Check-in code", "簽到碼"),
        RecordKind::StudentSummary => ("Student summary", "學生摘要"),
        RecordKind::MatchProposal => ("Match proposal", "媒合提案"),
    };
    pick(lang, en, zh)
}

/// A field (by its wire name) as people call it; fields without a label read "This field".
pub fn field_label(lang: Lang, field: &str) -> &'static str {
    let (en, zh) = match field {
        "agenda" => ("Agenda", "議程"),
        "applied_on" => ("Applied on", "申請日期"),
        "at" => ("Time", "時間"),
        "authority" => ("Authority", "主管機關"),
        "body" => ("Text", "內容"),
        "capacity" => ("Capacity", "名額"),
        "checked_in_at" => ("Check-in time", "簽到時間"),
        "choices" => ("Choices", "志願"),
        "code" => ("Code", "代碼"),
        "cohort_year" | "cohort_years" => ("Cohort year", "梯次年份"),
        "company" => ("Company", "公司"),
        "contact_email" => ("Contact email", "聯絡信箱"),
        "country" => ("Country", "國家"),
        "degree" => ("Degree", "學位"),
        "department" => ("Department", "系所"),
        "description" => ("Description", "說明"),
        "display_name" => ("Name", "姓名"),
        "documents" => ("Documents", "文件"),
        "due_date" => ("Due date", "到期日"),
        "duration_minutes" => ("Length (minutes)", "時長（分鐘）"),
        "expertise" => ("Expertise", "專長"),
        "goal_id" => ("Goal", "目標"),
        "graduation_date" => ("Graduation date", "畢業日期"),
        "id" => ("Record", "紀錄"),
        "industry" => ("Industry", "產業"),
        "interests" => ("Interests", "興趣"),
        "kind" => ("Kind of record", "紀錄類型"),
        "languages" => ("Languages", "語言"),
        "location" => ("Location", "地點"),
        "mandarin_level" => ("Mandarin level", "華語程度"),
        "max_rankings" => ("Most choices", "志願數上限"),
        "mentor_id" => ("Mentor", "導師"),
        "name" => ("Name", "名稱"),
        "nationality" => ("Nationality", "國籍"),
        "next_step" | "next_steps" => ("Next steps", "下一步"),
        "note" => ("Note", "備註"),
        "notes" => ("Notes", "筆記"),
        "organization_id" => ("Organization", "單位"),
        "place" => ("Place", "地點"),
        "position_id" => ("Position", "職缺"),
        "published_at" => ("Published", "發布時間"),
        "ranking_deadline" => ("Ranking deadline", "志願截止時間"),
        "rating" => ("Rating", "評分"),
        "reason" | "end_reason" => ("Reason", "理由"),
        "snoozed_until" => ("Back on", "延後到"),
        "occurrence" => ("Flag", "提醒"),
        "ended_by" => ("Ended by", "結束者"),
        "ended_at" => ("Ended", "結束時間"),
        "residence_card_expiry" => ("Residence card expiry", "居留證到期日"),
        "placement_start" => ("Placement start", "實習開始日"),
        "placement_end" => ("Placement end", "實習結束日"),
        "degree_level" => ("Degree level", "學位等級"),
        "hong_kong_macau" => ("Hong Kong or Macau student", "港澳生"),
        "role" => ("Role", "職務"),
        "route" | "visa_route" => ("Visa route", "簽證路徑"),
        "session_id" => ("Session", "會談"),
        "slots" => ("Slots", "名額"),
        "starts_at" => ("Start", "開始時間"),
        "state" => ("State", "狀態"),
        "stage" => ("Stage", "階段"),
        "steps" => ("Steps", "步驟"),
        "student_id" => ("Student", "學生"),
        "success_criteria" => ("Success criteria", "成功標準"),
        "swapped_with" => ("Swapped with", "交換對象"),
        "target_date" => ("Target date", "目標日期"),
        "text" => ("Text", "內容"),
        "time_zone" => ("Time zone", "時區"),
        "title" => ("Title", "標題"),
        "university" => ("University", "大學"),
        "user_id" => ("Person", "使用者"),
        "year" => ("Year", "年份"),
        "done" => ("Done", "完成狀態"),
        "author" => ("Author", "作者"),
        "created_by" => ("Added by", "建立者"),
        "raised_by" => ("Raised by", "提出者"),
        "mutation" => ("This change", "此變更"),
        "answers" => ("Answers", "答案"),
        "questions" => ("Questions", "題目"),
        "template_id" => ("Template", "範本"),
        "title_zh" => ("Title (中文)", "標題（中文）"),
        "placement_id" => ("Placement", "實習"),
        _ => ("This field", "此欄位"),
    };
    pick(lang, en, zh)
}

/// A state's wire name ("ended_early") as people say it.
pub fn state_label(lang: Lang, state: &str) -> String {
    let zh = match state {
        "proposed" => "提議中",
        "confirmed" => "已確認",
        "active" => "進行中",
        "completed" => "已完成",
        "ended_early" => "提前結束",
        "withdrawn" => "已撤回",
        "scheduled" => "已排定",
        "cancelled" => "已取消",
        "applied" => "已申請",
        "interview" => "面試",
        "offer" => "錄取通知",
        "accepted" => "已接受",
        "rejected" => "未錄取",
        "todo" => "待辦",
        "in_progress" => "進行中",
        "submitted" => "已送出",
        "done" => "完成",
        "not_needed" => "不需要",
        "open" => "待處理",
        "resolved" => "已解決",
        "draft" => "草稿",
        _ => "其他狀態",
    };
    match lang {
        Lang::En => state.replace('_', " "),
        Lang::ZhTw => zh.to_owned(),
    }
}

fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhTw => zh,
    }
}

/// Why a change was refused, as a sentence in `lang`.
pub fn refusal_text(lang: Lang, error: &MutationError) -> String {
    match (lang, error) {
        (_, MutationError::Invalid { field, problem }) => {
            let label = field_label(lang, field);
            match lang {
                Lang::En => format!("{label} {}.", problem_en(problem)),
                Lang::ZhTw => format!("{label}{}。", problem_zh(problem)),
            }
        }
        (Lang::En, MutationError::NotFound { kind, .. }) => format!(
            "This {} no longer exists (it was deleted or never reached the server).",
            kind_label(lang, *kind).to_lowercase()
        ),
        (Lang::ZhTw, MutationError::NotFound { kind, .. }) => format!(
            "這個{}已不存在（已被刪除或未曾送達伺服器）。",
            kind_label(lang, *kind)
        ),
        (Lang::En, MutationError::AlreadyExists { kind, .. }) => format!(
            "This {} already exists.",
            kind_label(lang, *kind).to_lowercase()
        ),
        (Lang::ZhTw, MutationError::AlreadyExists { kind, .. }) => {
            format!("這個{}已經存在。", kind_label(lang, *kind))
        }
        (_, MutationError::Forbidden { denial }) => denial_text(lang, *denial).to_owned(),
        (Lang::En, MutationError::IllegalTransition { from, to }) => format!(
            "It is {} now, so it cannot become {}.",
            state_label(lang, from),
            state_label(lang, to)
        ),
        (Lang::ZhTw, MutationError::IllegalTransition { from, to }) => format!(
            "目前狀態為「{}」，無法改為「{}」。",
            state_label(lang, from),
            state_label(lang, to)
        ),
        (_, MutationError::Rule { rule }) => rule_text(lang, rule),
    }
}

fn problem_en(problem: &Problem) -> String {
    match problem {
        Problem::Required => "is required".to_owned(),
        Problem::TooLong { length, max } => {
            format!("is {length} characters long; at most {max} fit")
        }
        Problem::ControlCharacters => "contains invisible control characters".to_owned(),
        Problem::InvisibleFormatting => {
            "contains invisible characters that change how text reads (remove them and type it again)"
                .to_owned()
        }
        Problem::NotEmail => "is not an email address".to_owned(),
        Problem::TooManyEntries { max } => format!("has more than {max} entries"),
        Problem::YearOutOfRange { year } => format!("has a year ({year}) out of range"),
        Problem::OutOfRange { value, min, max } => {
            format!("must be between {min} and {max} (not {value})")
        }
        Problem::NotAnId => "is not a valid reference".to_owned(),
        Problem::NotTimeZone => "is not a time zone".to_owned(),
        Problem::StepCount { max } => format!("must have between 1 and {max} steps"),
        Problem::TooManyChoices { max } => format!("may hold at most {max} positions"),
        Problem::RankedTwice => "ranks the same position twice".to_owned(),
        Problem::BadCode => "must be 6–32 letters and digits".to_owned(),
        Problem::WrongPatch { .. } | Problem::WrongSpace { .. } => {
            "does not fit here (this app may be out of date)".to_owned()
        }
        Problem::OwnActionOnly { .. } | Problem::Locked => {
            "changes only through its own button".to_owned()
        }
        Problem::NotTheStudent => "must be the student themselves".to_owned(),
        Problem::NewSessionNotScheduled => {
            "of a new session must be scheduled (or a past session logged with notes)".to_owned()
        }
        Problem::NewPlacementState => "of a new placement must be proposed or confirmed".to_owned(),
        Problem::EndsBeforeStart => "is before the start date".to_owned(),
        Problem::NotWebAddress => "must be a web address (https://…)".to_owned(),
        Problem::InFuture => "is in the future (check the device's clock)".to_owned(),
        Problem::Unreadable { .. } => {
            "could not be read by the server (it may hold characters that cannot be sent)"
                .to_owned()
        }
        Problem::QuestionTwice { number } => format!("has question {number} twice"),
        Problem::UnknownQuestion => "answer a question this evaluation does not ask".to_owned(),
        Problem::WrongAnswer { number } => format!("do not fit question {number}"),
        Problem::Unanswered { number } => format!("are missing question {number}, which needs an answer"),
        Problem::OutcomeQuestions => {
            "of an outcome survey must keep the yes/no questions “employed” and “in_taiwan”"
                .to_owned()
        }
        Problem::WrongTemplate => "name a template of another evaluation".to_owned(),
    }
}

fn problem_zh(problem: &Problem) -> String {
    match problem {
        Problem::Required => "為必填".to_owned(),
        Problem::TooLong { length, max } => format!("共 {length} 個字，最多 {max} 個字"),
        Problem::ControlCharacters => "含有看不見的控制字元".to_owned(),
        Problem::InvisibleFormatting => {
            "含有會改變文字顯示方向或外觀的隱形字元（請刪除後重新輸入）".to_owned()
        }
        Problem::NotEmail => "不是有效的電子郵件地址".to_owned(),
        Problem::TooManyEntries { max } => format!("超過 {max} 項"),
        Problem::YearOutOfRange { year } => format!("的年份（{year}）超出範圍"),
        Problem::OutOfRange { value, min, max } => {
            format!("須介於 {min} 到 {max} 之間（目前為 {value}）")
        }
        Problem::NotAnId => "不是有效的參照".to_owned(),
        Problem::NotTimeZone => "不是有效的時區".to_owned(),
        Problem::StepCount { max } => format!("須有 1 到 {max} 個步驟"),
        Problem::TooManyChoices { max } => format!("最多只能選 {max} 個職缺"),
        Problem::RankedTwice => "重複選了同一個職缺".to_owned(),
        Problem::BadCode => "須為 6 到 32 個英文字母或數字".to_owned(),
        Problem::WrongPatch { .. } | Problem::WrongSpace { .. } => {
            "不適用於此處（此應用程式可能需要更新）".to_owned()
        }
        Problem::OwnActionOnly { .. } | Problem::Locked => "只能透過專用按鈕變更".to_owned(),
        Problem::NotTheStudent => "必須是學生本人".to_owned(),
        Problem::NewSessionNotScheduled => {
            "：新的會談必須是已排定（或附筆記記錄的過去會談）".to_owned()
        }
        Problem::NewPlacementState => "：新的實習安排必須是提議中或已確認".to_owned(),
        Problem::EndsBeforeStart => "早於開始日期".to_owned(),
        Problem::NotWebAddress => "必須是網頁位址".to_owned(),
        Problem::InFuture => "是未來的時間（請檢查裝置時鐘）".to_owned(),
        Problem::Unreadable { .. } => "無法被伺服器讀取（可能含有無法傳送的字元）".to_owned(),
        Problem::QuestionTwice { number } => format!("中第 {number} 題重複"),
        Problem::UnknownQuestion => "回答了此評量沒有的題目".to_owned(),
        Problem::WrongAnswer { number } => format!("中第 {number} 題的答案格式不符"),
        Problem::Unanswered { number } => format!("缺少第 {number} 題（必填）"),
        Problem::OutcomeQuestions => {
            "：成果調查必須保留「employed」與「in_taiwan」兩題是非題".to_owned()
        }
        Problem::WrongTemplate => "對應到其他評量的範本".to_owned(),
    }
}

fn denial_text(lang: Lang, denial: Denial) -> &'static str {
    let (en, zh) = match denial {
        Denial::NoAccess => ("You have no access to this.", "你沒有存取權限。"),
        Denial::ProgramIsStaffOnly => (
            "Only program staff change program data.",
            "只有計畫工作人員可以變更計畫資料。",
        ),
        Denial::ConcernsOnly => (
            "You may only raise a concern here.",
            "你在此只能提出關注事項。",
        ),
        Denial::PlacementsByStaff => (
            "Placements are made by program staff.",
            "實習安排由計畫工作人員決定。",
        ),
        Denial::ProfileNotDeleted => ("A profile cannot be deleted.", "個人資料無法刪除。"),
        Denial::SessionsCancelledNotDeleted => (
            "Sessions are cancelled, not deleted.",
            "會談只能取消，不能刪除。",
        ),
        Denial::OwnFeedbackOnly => (
            "You may only change your own feedback.",
            "你只能修改自己的回饋。",
        ),
        Denial::MentorOwnOnly => (
            "Mentors may only change what they added themselves.",
            "導師只能修改自己新增的項目。",
        ),
        Denial::MentorMayNot => ("Mentors may not change this.", "導師無法變更此項目。"),
        Denial::ActivityByServer => (
            "When someone was last active is recorded by the server.",
            "最近使用時間由伺服器記錄。",
        ),
        Denial::OwnDismissalsOnly => (
            "Only the person who dismissed a reminder can bring it back.",
            "只有略過提醒的人才能將其恢復。",
        ),
        Denial::SummariesByServer => (
            "Student summaries are kept by the server.",
            "學生摘要由伺服器維護。",
        ),
        Denial::NotYourMentee => (
            "Mentors raise concerns about their current mentees only.",
            "導師只能為目前指導的學生提出關注事項。",
        ),
        Denial::FlagsByStaff => (
            "Program staff handle pair-health flags.",
            "配對狀況提醒由計畫人員處理。",
        ),
        Denial::EvaluationsFinal => (
            "An evaluation cannot be changed once it is sent; ask program staff to correct it.",
            "評量送出後無法修改；如需更正，請聯絡計畫人員。",
        ),
        Denial::NotYourEvaluation => (
            "This evaluation is answered by the placement's mentor or by the student it is for.",
            "此評量由該實習的導師或學生本人填寫。",
        ),
        Denial::NotYourPlacement => (
            "Only the student, their mentor or program staff can end a placement.",
            "只有學生本人、其導師或計畫人員可以結束實習配對。",
        ),
    };
    pick(lang, en, zh)
}

fn rule_text(lang: Lang, rule: &Rule) -> String {
    match (lang, rule) {
        (Lang::En, Rule::OtherCohort { cohort }) => {
            format!("You are not in {cohort}, so you cannot rank its positions.")
        }
        (Lang::ZhTw, Rule::OtherCohort { cohort }) => {
            format!("你不屬於「{cohort}」，無法為其職缺排序。")
        }
        (Lang::En, Rule::TooManyChoices { cohort, max }) => {
            format!("{cohort} allows at most {max} choices.")
        }
        (Lang::ZhTw, Rule::TooManyChoices { cohort, max }) => {
            format!("「{cohort}」最多只能選 {max} 個志願。")
        }
        (Lang::En, Rule::DeadlinePassed { cohort, deadline }) => format!(
            "The ranking deadline of {cohort} passed on {}.",
            format_date(lang, deadline.date_naive())
        ),
        (Lang::ZhTw, Rule::DeadlinePassed { cohort, deadline }) => format!(
            "「{cohort}」的志願截止日期 {} 已過。",
            format_date(lang, deadline.date_naive())
        ),
        (Lang::En, Rule::PositionOfOtherCohort { position }) => {
            format!("“{position}” is offered to another cohort.")
        }
        (Lang::ZhTw, Rule::PositionOfOtherCohort { position }) => {
            format!("「{position}」開放給其他梯次。")
        }
        (Lang::En, Rule::PositionClosed { position }) => format!("“{position}” is closed."),
        (Lang::ZhTw, Rule::PositionClosed { position }) => format!("「{position}」已關閉。"),
        (Lang::En, Rule::CheckInClosed { workshop }) => format!(
            "Check-in for “{workshop}” is open from two hours before it starts until two hours \
             after it ends."
        ),
        (Lang::ZhTw, Rule::CheckInClosed { workshop }) => {
            format!("「{workshop}」的簽到時間為開始前兩小時至結束後兩小時。")
        }
        (Lang::En, Rule::SessionNotStarted { starts_at }) => format!(
            "This session starts on {}; log it once it has taken place.",
            format_date(lang, starts_at.date_naive())
        ),
        (Lang::ZhTw, Rule::SessionNotStarted { starts_at }) => format!(
            "此會談於 {} 開始，請在會談結束後再記錄。",
            format_date(lang, starts_at.date_naive())
        ),
        (Lang::En, Rule::WrongCheckInCode) => {
            "This check-in code does not belong to this workshop.".to_owned()
        }
        (Lang::ZhTw, Rule::WrongCheckInCode) => "此簽到碼不屬於這個工作坊。".to_owned(),
        (Lang::En, Rule::SessionTimeFixed) => {
            "This session's time can no longer change: it was logged or cancelled, or has feedback."
                .to_owned()
        }
        (Lang::ZhTw, Rule::SessionTimeFixed) => {
            "這次會談已記錄、已取消或已有回饋，時間無法再變更。".to_owned()
        }
        (Lang::En, Rule::FeedbackBeforeSession) => {
            "Feedback can be given once the session has taken place.".to_owned()
        }
        (Lang::ZhTw, Rule::FeedbackBeforeSession) => "會談結束後才能給予回饋。".to_owned(),
        (Lang::En, Rule::SpaceFull { max }) => {
            format!("This space already holds {max} records, as many as it may. Delete some first.")
        }
        (Lang::ZhTw, Rule::SpaceFull { max }) => {
            format!("此空間已有 {max} 筆資料，已達上限。請先刪除一些。")
        }
        (Lang::En, Rule::TooManyOpenConcerns { max }) => {
            format!("You already have {max} open concerns; program staff will answer those first.")
        }
        (Lang::ZhTw, Rule::TooManyOpenConcerns { max }) => {
            format!("你已有 {max} 個尚未處理完的關注事項，計畫工作人員會先回覆這些。")
        }
    }
}

/// Why a task shows no controls: "Only Amara can change this task." (or, without a name, the
/// person who added it).
pub fn only_they_change_task(lang: Lang, name: Option<&str>) -> String {
    match (lang, name) {
        (Lang::En, Some(name)) => format!("Only {name} can change this task."),
        (Lang::En, None) => "Only the person who added this task can change it.".to_owned(),
        (Lang::ZhTw, Some(name)) => format!("只有 {name} 可以修改此任務。"),
        (Lang::ZhTw, None) => "只有新增此任務的人可以修改。".to_owned(),
    }
}

/// A record's name as people know it (a task's title, an organization's name), if it has one.
pub fn record_name(entity: &Entity) -> Option<String> {
    let name = match entity {
        Entity::Task(task) => task.title.clone(),
        Entity::Goal(goal) => goal.title.clone(),
        Entity::VisaStep(step) => step.title.clone(),
        Entity::Workshop(workshop) => workshop.title.clone(),
        Entity::Position(position) => position.title.clone(),
        Entity::Announcement(announcement) => announcement.title.clone(),
        Entity::Organization(organization) => organization.name.clone(),
        Entity::PartnerUniversity(university) => university.name.clone(),
        Entity::Cohort(cohort) => cohort.name.clone(),
        Entity::JobApplication(application) => {
            format!("{} · {}", application.company, application.role)
        }
        Entity::StudentProfile(profile) => profile.display_name.clone(),
        Entity::MentorProfile(profile) => profile.display_name.clone(),
        Entity::ConcernFlag(flag) => flag.text.clone(),
        Entity::StaffNote(note) => note.text.clone(),
        _ => return None,
    };
    shorten(&name)
}

/// A name as lists show it: trimmed, a long text by its start; `None` when empty.
fn shorten(name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut short: String = name.chars().take(60).collect();
    if short.len() < name.len() {
        short.push('…');
    }
    Some(short)
}

/// What a change does, as a verb phrase in `lang` ("Add", "Tick off").
fn action_label(lang: Lang, mutation: &Mutation) -> &'static str {
    let (en, zh) = match mutation {
        Mutation::Create { .. } => ("Add", "新增"),
        Mutation::Update { .. } => ("Edit", "編輯"),
        Mutation::Delete { .. } => ("Delete", "刪除"),
        Mutation::SetPlacementState { .. } => ("Change the state of", "變更狀態："),
        Mutation::EndPlacement { .. } => ("End early", "提前結束"),
        Mutation::SetTaskDone { done: true, .. } => ("Tick off", "完成"),
        Mutation::SetTaskDone { done: false, .. } => ("Reopen", "重新開啟"),
        Mutation::LogSession { .. } => ("Log notes of", "記錄筆記："),
        Mutation::CancelSession { .. } => ("Cancel", "取消"),
        Mutation::RsvpWorkshop { going: true, .. } => ("Say you go to", "報名參加"),
        Mutation::RsvpWorkshop { going: false, .. } => ("Say you skip", "不參加"),
        Mutation::MoveApplication { .. } => ("Move", "移動"),
        Mutation::SetVisaStepState { .. } => ("Update", "更新"),
        Mutation::SetConcernState { .. } => ("Update", "更新"),
        Mutation::SetRankings { .. } => ("Save", "儲存"),
        Mutation::CheckIn { .. } => ("Check in at", "簽到："),
    };
    pick(lang, en, zh)
}

/// A change as the Changes list names it: "Add task “Book the ARC appointment”". The name comes
/// from the change itself (a new record), else from the record as this device holds it, else the
/// kind alone; never a wire name or a raw id.
pub fn describe_change(lang: Lang, mutation: &Mutation, view: &impl RecordView) -> String {
    let (kind, id) = mutation.target();
    let named = match mutation {
        Mutation::Create { record, .. } => record_name(record),
        Mutation::RsvpWorkshop { workshop_id, .. } | Mutation::CheckIn { workshop_id, .. } => view
            .get(RecordKind::Workshop, workshop_id)
            .as_ref()
            .and_then(record_name),
        _ => view.get(kind, id).as_ref().and_then(record_name),
    }
    .or_else(|| name_in_change(mutation));
    let action = action_label(lang, mutation);
    let what = match (lang, mutation) {
        (_, Mutation::RsvpWorkshop { .. } | Mutation::CheckIn { .. }) => {
            kind_label(lang, RecordKind::Workshop)
        }
        _ => kind_label(lang, kind),
    };
    match (lang, named) {
        (Lang::En, Some(name)) => format!("{action} {} “{name}”", what.to_lowercase()),
        (Lang::En, None) => format!("{action} {}", what.to_lowercase()),
        (Lang::ZhTw, Some(name)) => format!("{action}{what}「{name}」"),
        (Lang::ZhTw, None) => format!("{action}{what}"),
    }
}

/// A name the change itself carries (a patch that renames a task), for records this device no
/// longer holds.
fn name_in_change(mutation: &Mutation) -> Option<String> {
    const NAMES: &[&str] = &["title", "name", "display_name", "company"];
    fn find(value: &serde_json::Value) -> Option<String> {
        let map = value.as_object()?;
        NAMES
            .iter()
            .find_map(|name| map.get(*name).and_then(|v| v.as_str()).map(str::to_owned))
            .or_else(|| map.values().find_map(find))
    }
    let value = serde_json::to_value(mutation).ok()?;
    shorten(&find(&value)?)
}

/// The text the person typed into a change (titles, notes, reasons…), with each field's label, so
/// a refused change can show it and offer to copy it. Ids, kinds and states are left out.
pub fn typed_text(lang: Lang, mutation: &Mutation) -> Vec<(&'static str, String)> {
    const TYPED: &[&str] = &[
        "title",
        "notes",
        "next_steps",
        "agenda",
        "text",
        "body",
        "description",
        "reason",
        "success_criteria",
        "company",
        "role",
        "note",
        "name",
        "display_name",
        "place",
        "location",
    ];
    fn walk(
        lang: Lang,
        value: &serde_json::Value,
        key: Option<&str>,
        out: &mut Vec<(&'static str, String)>,
    ) {
        match value {
            serde_json::Value::String(text) => {
                if let Some(key) = key {
                    if TYPED.contains(&key) && !text.trim().is_empty() {
                        out.push((field_label(lang, key), text.clone()));
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(lang, item, key, out);
                }
            }
            serde_json::Value::Object(map) => {
                for (name, item) in map {
                    walk(lang, item, Some(name), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(mutation) {
        walk(lang, &value, None, &mut out);
    }
    out
}

/// Why the visa chooser proposes a route (`imp_shared::visa_chooser::Why`), in plain words with
/// the student's own dates.
pub fn visa_why_text(lang: Lang, why: &Why) -> String {
    let date = |day| format_date(lang, day);
    match (lang, *why) {
        (Lang::En, Why::WorkBeforeGraduation { from, until }) => format!(
            "You work from {} while still enrolled (until {}): that needs a student work permit \
             before the first working day. It ends when you graduate.",
            date(from),
            date(until)
        ),
        (Lang::ZhTw, Why::WorkBeforeGraduation { from, until }) => format!(
            "你在學期間自 {} 起工作（至 {}）：第一個工作日前須取得學生工作許可。許可在畢業時失效。",
            date(from),
            date(until)
        ),
        (
            Lang::En,
            Why::WorkAfterGraduation {
                graduation,
                stay_until,
            },
        ) => format!(
            "From graduation on {} you may stay to look for work, until {} at the latest with one \
             extension. Since 1 January 2026 you may work without a work permit during this \
             stay, once it is approved.",
            date(graduation),
            date(stay_until)
        ),
        (
            Lang::ZhTw,
            Why::WorkAfterGraduation {
                graduation,
                stay_until,
            },
        ) => format!(
            "自 {} 畢業起，你可延長居留以尋找工作，含一次延期最晚至 {}。自 2026 年 1 月 1 日起，\
             此居留核准後，你在居留期間工作不需申請工作許可。",
            date(graduation),
            date(stay_until)
        ),
        (Lang::En, Why::LookingForWork { graduation }) => format!(
            "After graduating on {} you may stay to look for work, and since 2026 work without a \
             work permit during that stay. Add your placement dates on your profile for a \
             closer answer.",
            date(graduation)
        ),
        (Lang::ZhTw, Why::LookingForWork { graduation }) => format!(
            "{} 畢業後，你可延長居留以尋找工作；自 2026 年起，此居留期間工作不需申請工作許可。\
             在個人資料填入實習日期，可得到更準確的建議。",
            date(graduation)
        ),
        (Lang::En, Why::WorkBeyondJobSeeking { stay_until }) => format!(
            "Your work goes on after the job-seeking stay can last (until {}): from then your \
             employer must hold a work permit for you.",
            date(stay_until)
        ),
        (Lang::ZhTw, Why::WorkBeyondJobSeeking { stay_until }) => format!(
            "你的工作期間超過尋職居留的最長期限（{}）：此後須由雇主為你取得工作許可。",
            date(stay_until)
        ),
        (Lang::En, Why::GoldCardAlternative) => {
            "Instead of an employer's permit: if you meet one of its criteria, the Gold Card is \
             an open work permit and residence in one."
                .to_owned()
        }
        (Lang::ZhTw, Why::GoldCardAlternative) => {
            "另一種選擇：若符合其中一項資格條件，就業金卡結合開放式工作許可與居留。".to_owned()
        }
    }
}

/// What needs attention in the student's dates (`imp_shared::visa_chooser::Warning`). `step_title`
/// names a route's step (for a passed deadline) in the reader's language.
pub fn visa_warning_text(
    lang: Lang,
    warning: &Warning,
    step_title: impl Fn(&str, &str) -> Option<String>,
) -> String {
    let date = |day| format_date(lang, day);
    let zh = lang.is_zh();
    match warning {
        Warning::GraduationDateUnknown => pick(
            lang,
            "Add your graduation date on your profile: which route applies depends on it.",
            "請在個人資料填入畢業日期：適用哪一種簽證路徑取決於此。",
        )
        .to_owned(),
        Warning::PlacementDatesUnknown => pick(
            lang,
            "Add your placement's start and end dates on your profile.",
            "請在個人資料填入實習的開始與結束日期。",
        )
        .to_owned(),
        Warning::PlacementEndsBeforeStart => pick(
            lang,
            "Your placement ends before it starts: check its dates on your profile.",
            "實習結束日期早於開始日期：請檢查個人資料中的日期。",
        )
        .to_owned(),
        Warning::StartsAfterGraduation { graduation, start } if zh => format!(
            "你的實習於 {} 開始，晚於畢業日 {}：學生工作許可在畢業時失效，不能用於此實習。請於畢業後 14 天內申請延長居留以尋找工作，並在核准後才開始工作。",
            date(*start),
            date(*graduation)
        ),
        Warning::StartsAfterGraduation { graduation, start } => format!(
            "Your placement starts on {}, after you graduate on {}: a student work permit ends at \
             graduation and cannot be used for it. Apply for job-seeking residence within 14 \
             days of graduating, and start work only once it is approved.",
            date(*start),
            date(*graduation)
        ),
        Warning::CrossesGraduation { graduation } if zh => format!(
            "你的實習跨越畢業日 {}：學生工作許可在當天失效。須在此之前申請延長居留以尋找工作，工作才不會中斷。",
            date(*graduation)
        ),
        Warning::CrossesGraduation { graduation } => format!(
            "Your placement runs past graduation on {}: the student work permit ends that day. \
             Apply for job-seeking residence in time so the work goes on without a gap.",
            date(*graduation)
        ),
        Warning::StudentPermitExpiresMidPlacement { expires } if zh => format!(
            "第一張學生工作許可最晚於 {} 到期，早於實習結束：須在此之前取得新的許可。",
            date(*expires)
        ),
        Warning::StudentPermitExpiresMidPlacement { expires } => format!(
            "Your first student work permit ends on {} at the latest, before the placement does: \
             a new one must be issued by then.",
            date(*expires)
        ),
        Warning::ResidenceCardExpiresMidPlacement { expires } if zh => format!(
            "你的居留證於 {} 到期，早於實習結束：請在到期前辦理延期或變更。",
            date(*expires)
        ),
        Warning::ResidenceCardExpiresMidPlacement { expires } => format!(
            "Your residence card expires on {}, before the placement ends: extend or change it \
             before then.",
            date(*expires)
        ),
        Warning::DeadlinePassed {
            route_id,
            step_id,
            due,
        } => {
            let step = step_title(route_id, step_id).unwrap_or_else(|| step_id.clone());
            if zh {
                format!("「{step}」的期限 {} 已過：請儘快辦理。", date(*due))
            } else {
                format!(
                    "The date for “{step}” was {}: do it as soon as you can.",
                    date(*due)
                )
            }
        }
    }
}

/// When a route step is due, in words ("14 days before the first working day"), for people who
/// plan rather than for one student's dates (the hiring page).
pub fn due_rule_text(lang: Lang, rule: &DueRule) -> String {
    let noun = |anchor: Anchor| match anchor {
        Anchor::GraduationDate => pick(lang, "graduation", "畢業日"),
        Anchor::ResidenceCardExpiry => pick(lang, "the residence card's expiry", "居留證到期日"),
        Anchor::PlacementStart => pick(lang, "the first working day", "第一個工作日"),
        Anchor::PermitExpiry => pick(lang, "the work permit's expiry", "工作許可到期日"),
        Anchor::PermitIssued => pick(lang, "the work permit's issue", "工作許可核發日"),
        Anchor::ChosenDate => pick(lang, "the date the graduate chooses", "畢業生選定的日期"),
    };
    match (lang, *rule) {
        (Lang::En, DueRule::WithinDaysAfter { anchor, days }) => {
            format!("within {days} days after {}", noun(anchor))
        }
        (Lang::ZhTw, DueRule::WithinDaysAfter { anchor, days }) => {
            format!("{}後 {days} 天內", noun(anchor))
        }
        (Lang::En, DueRule::DaysBefore { anchor, days }) => {
            format!("{days} days before {}", noun(anchor))
        }
        (Lang::ZhTw, DueRule::DaysBefore { anchor, days }) => {
            format!("{}前 {days} 天", noun(anchor))
        }
        (Lang::En, DueRule::OnAnchor { anchor }) => format!("by {}", noun(anchor)),
        (Lang::ZhTw, DueRule::OnAnchor { anchor }) => format!("{}之前", noun(anchor)),
        (_, DueRule::NoDueDate) => pick(lang, "no fixed date", "無固定期限").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal has Chinese words in zh-TW and no English word of three letters or more
    /// (apart from names that come from data, which these samples do not use).
    #[test]
    fn every_refusal_is_worded_in_both_languages() {
        use chrono::TimeZone;
        let deadline = chrono::Utc
            .with_ymd_and_hms(2026, 3, 1, 8, 0, 0)
            .single()
            .unwrap_or_default();
        let problems = [
            Problem::Required,
            Problem::TooLong {
                length: 250,
                max: 200,
            },
            Problem::ControlCharacters,
            Problem::InvisibleFormatting,
            Problem::NotEmail,
            Problem::TooManyEntries { max: 20 },
            Problem::YearOutOfRange { year: 1900 },
            Problem::OutOfRange {
                value: 9,
                min: 1,
                max: 5,
            },
            Problem::NotAnId,
            Problem::NotTimeZone,
            Problem::StepCount { max: 30 },
            Problem::TooManyChoices { max: 10 },
            Problem::RankedTwice,
            Problem::BadCode,
            Problem::WrongPatch {
                patch: RecordKind::Task,
                record: RecordKind::Goal,
            },
            Problem::WrongSpace {
                kind: RecordKind::Task,
            },
            Problem::OwnActionOnly {
                kind: RecordKind::Ranking,
            },
            Problem::Locked,
            Problem::NotTheStudent,
            Problem::NewSessionNotScheduled,
            Problem::NewPlacementState,
            Problem::EndsBeforeStart,
            Problem::NotWebAddress,
            Problem::InFuture,
            Problem::Unreadable {
                detail: "lone surrogate".into(),
            },
        ];
        let mut errors: Vec<MutationError> = problems
            .into_iter()
            .map(|problem| MutationError::invalid("title", problem))
            .collect();
        for denial in [
            Denial::NoAccess,
            Denial::ProgramIsStaffOnly,
            Denial::ConcernsOnly,
            Denial::PlacementsByStaff,
            Denial::ProfileNotDeleted,
            Denial::SessionsCancelledNotDeleted,
            Denial::OwnFeedbackOnly,
            Denial::MentorOwnOnly,
            Denial::MentorMayNot,
            Denial::SummariesByServer,
            Denial::NotYourMentee,
            Denial::FlagsByStaff,
            Denial::NotYourPlacement,
            Denial::ActivityByServer,
            Denial::OwnDismissalsOnly,
        ] {
            errors.push(MutationError::forbidden(denial));
        }
        for rule in [
            Rule::OtherCohort {
                cohort: "2026".into(),
            },
            Rule::TooManyChoices {
                cohort: "2026".into(),
                max: 5,
            },
            Rule::DeadlinePassed {
                cohort: "2026".into(),
                deadline,
            },
            Rule::PositionOfOtherCohort {
                position: "42".into(),
            },
            Rule::PositionClosed {
                position: "42".into(),
            },
            Rule::CheckInClosed {
                workshop: "42".into(),
            },
            Rule::WrongCheckInCode,
            Rule::SessionNotStarted {
                starts_at: deadline,
            },
            Rule::SessionTimeFixed,
            Rule::FeedbackBeforeSession,
            Rule::TooManyOpenConcerns { max: 20 },
            Rule::SpaceFull { max: 20_000 },
        ] {
            errors.push(MutationError::rule(rule));
        }
        for kind in RecordKind::ALL {
            errors.push(MutationError::NotFound {
                kind: *kind,
                id: "x".into(),
            });
            errors.push(MutationError::AlreadyExists {
                kind: *kind,
                id: "x".into(),
            });
        }
        errors.push(MutationError::IllegalTransition {
            from: "cancelled".into(),
            to: "completed".into(),
        });
        for error in &errors {
            let en = refusal_text(Lang::En, error);
            let zh = refusal_text(Lang::ZhTw, error);
            assert!(en.chars().any(|c| c.is_ascii_alphabetic()), "{en}");
            assert_ne!(en, zh);
            let english_word = zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .find(|word| word.len() >= 3);
            assert_eq!(english_word, None, "English left in {zh:?} for {error:?}");
        }
    }

    #[test]
    fn a_change_is_named_by_what_the_person_sees() {
        use imp_shared::apply::MemoryRecords;
        use imp_shared::domain::Task;
        let task = Entity::Task(Task {
            goal_id: None,
            title: "Book the ARC appointment".into(),
            due_date: None,
            done: false,
            created_by: None,
        });
        let create = Mutation::Create {
            id: "task-1".into(),
            record: task,
        };
        let view = MemoryRecords::default();
        assert_eq!(
            describe_change(Lang::En, &create, &view),
            "Add task “Book the ARC appointment”"
        );
        assert_eq!(
            describe_change(Lang::ZhTw, &create, &view),
            "新增任務「Book the ARC appointment」"
        );
        let tick = Mutation::SetTaskDone {
            id: "gone".into(),
            done: true,
        };
        assert_eq!(describe_change(Lang::En, &tick, &view), "Tick off task");
    }
}

/// Why the device's storage failed, in `lang` (the technical detail stays out of the sentence).
pub fn store_error_text(lang: Lang, error: &crate::storage::StoreError) -> &'static str {
    use crate::storage::StoreError;
    match error {
        StoreError::Idb(_) => Msg::StorageFailed.text(lang),
        StoreError::Corrupt(_) => Msg::StorageUnreadable.text(lang),
        StoreError::Exhausted => Msg::ChangeNumbersUsedUp.text(lang),
    }
}

/// A staff call made straight to the server (not a synced write): what it was, for wording why
/// it did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerCall {
    /// Listing the accounts.
    Accounts,
    /// Inviting someone.
    Invite,
    /// Deactivating or reactivating an account.
    SetActive,
    /// Turning push reminders on, changing or turning them off.
    Reminders,
    /// Making or stopping a calendar link.
    CalendarFeed,
}

/// Why a server call did not happen, as a message in the catalogue (never the server's English).
pub fn server_call_msg(call: ServerCall, error: &crate::sync::transport::TransportError) -> Msg {
    use crate::sync::transport::TransportError;
    match error {
        TransportError::Offline => Msg::NeedsConnection,
        TransportError::SignedOut(_) => Msg::SessionEnded,
        TransportError::TooOld(_) => Msg::UpdateNeeded,
        TransportError::RateLimited(_) => Msg::TooManyRequests,
        TransportError::Server { status, .. } => match (call, status) {
            (ServerCall::Invite, 409) => Msg::EmailHasAccount,
            (ServerCall::Invite, 400) => Msg::InviteRefused,
            (ServerCall::SetActive, 400) => Msg::CannotDeactivateSelf,
            (_, 403) => Msg::StaffOnly,
            (_, 503) => Msg::ServerStorageBusy,
            _ => Msg::ServerFailed,
        },
        TransportError::Decode(_) => Msg::ServerFailed,
    }
}

/// What an inbox item asks, in the reader's language: "Task due Mon 15 Mar 2027: Send CV". For a
/// mentor or staff, `about` names the student it concerns ("Lan Nguyen · …"). Times are on the
/// program's clock (`local` turns an instant into it).
pub fn inbox_text(
    lang: Lang,
    item: &imp_shared::inbox::Item,
    about: Option<&str>,
    local: impl Fn(chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset>,
) -> String {
    imp_shared::reminder::item_text(lang.is_zh(), item, about, local)
}

/// A pair-health flag's reason in the reader's language: "No session for 34 days (the last on Mon
/// 1 Feb 2027)". Dates are the program's (`local` turns an instant into its clock).
pub fn flag_text(
    lang: Lang,
    flag: &imp_shared::health::Flag,
    local: impl Fn(chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset>,
) -> String {
    use imp_shared::health::Flag;
    let zh = lang.is_zh();
    let day = |at| format_date(lang, local(at).date_naive());
    match flag {
        Flag::NoFirstSession { started_at, days } if zh => {
            format!(
                "實習開始 {days} 天（{}）仍未進行第一次會談",
                day(*started_at)
            )
        }
        Flag::NoFirstSession { started_at, days } => format!(
            "No session yet, {days} days after the placement started ({})",
            day(*started_at)
        ),
        Flag::NoRecentSession { last, days } if zh => {
            format!("已 {days} 天沒有會談（上次：{}）", day(*last))
        }
        Flag::NoRecentSession { last, days } => {
            format!("No session for {days} days (the last on {})", day(*last))
        }
        Flag::LowRating { session, rating } if zh => {
            format!("{} 的會談評分為 {rating}／5", day(*session))
        }
        Flag::LowRating { session, rating } => {
            format!("The session of {} was rated {rating} of 5", day(*session))
        }
        Flag::OneSided { session } if zh => format!("{} 的會談只有一方留下回饋", day(*session)),
        Flag::OneSided { session } => {
            format!(
                "Only one side gave feedback on the session of {}",
                day(*session)
            )
        }
        Flag::VisaOverdue { count, since } if zh => {
            format!(
                "{count} 個簽證步驟已逾期（自 {}）",
                format_date(lang, *since)
            )
        }
        Flag::VisaOverdue { count: 1, since } => {
            format!(
                "A visa step is overdue (since {})",
                format_date(lang, *since)
            )
        }
        Flag::VisaOverdue { count, since } => {
            format!(
                "{count} visa steps are overdue (since {})",
                format_date(lang, *since)
            )
        }
        Flag::TasksOverdue { count, since } if zh => {
            format!(
                "{count} 項任務逾期超過一週（自 {}）",
                format_date(lang, *since)
            )
        }
        Flag::TasksOverdue { count: 1, since } => format!(
            "A task is overdue by more than a week (due {})",
            format_date(lang, *since)
        ),
        Flag::TasksOverdue { count, since } => format!(
            "{count} tasks are overdue by more than a week (since {})",
            format_date(lang, *since)
        ),
        Flag::Inactive { since, days } if zh => {
            format!("學生已 {days} 天未使用本應用程式（自 {}）", day(*since))
        }
        Flag::Inactive { since, days } => format!(
            "The student has not used the app for {days} days (since {})",
            day(*since)
        ),
    }
}

/// A flag's severity as its label.
pub fn severity_msg(severity: imp_shared::health::Severity) -> Msg {
    use imp_shared::health::Severity;
    match severity {
        Severity::High => Msg::SeverityHigh,
        Severity::Medium => Msg::SeverityMedium,
        Severity::Low => Msg::SeverityLow,
    }
}
