//! Two languages for every string: English and Traditional Chinese (zh-TW).
//!
//! The catalogue is typed: every message is a variant of [`Msg`], and each language is one
//! exhaustive `match`, so a missing translation fails the build. A test checks that no zh-TW
//! string is left in English.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use leptos::prelude::*;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Traditional Chinese (Taiwan).
    ZhTw,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhTw];

    /// Whether data fields should show their 繁體中文 text (`*_zh`, when translated).
    pub fn is_zh(self) -> bool {
        self == Lang::ZhTw
    }

    /// The BCP 47 tag (for `<html lang>` and storage).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// Parses a stored tag or a browser language (`zh-TW`, `zh-Hant`, `zh`… → zh-TW).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::ZhTw)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhTw => "繁體中文",
        }
    }
}

macro_rules! messages {
    ($( $key:ident => $en:literal, $zh:literal; )*) => {
        /// Every fixed string of the UI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $( #[doc = $en] $key, )* }

        impl Msg {
            /// Every message, for catalogue tests.
            pub const ALL: &'static [Msg] = &[ $( Msg::$key, )* ];

            /// The text in a language.
            pub fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::En => match self { $( Msg::$key => $en, )* },
                    Lang::ZhTw => match self { $( Msg::$key => $zh, )* },
                }
            }
        }
    };
}

messages! {
    AppName => "IMP Companion", "IMP 夥伴";
    Tagline => "Your mentorship, placement and visa steps — even offline.", "你的導師、實習與簽證進度——離線也能用。";
    SignIn => "Sign in", "登入";
    SignOut => "Sign out", "登出";
    Email => "Email", "電子郵件";
    Password => "Password", "密碼";
    EmailRequired => "Enter your email address.", "請輸入電子郵件地址。";
    EmailInvalid => "That does not look like an email address.", "電子郵件格式不正確。";
    PasswordRequired => "Enter your password.", "請輸入密碼。";
    PasswordTooShort => "Use at least 10 characters.", "密碼至少需要 10 個字元。";
    WrongPassword => "The email or the password is wrong.", "電子郵件或密碼錯誤。";
    TooManyAttempts => "Too many attempts. Try again in 15 minutes.", "嘗試次數過多，請 15 分鐘後再試。";
    NoConnection => "No connection. Try again when you are online.", "目前沒有網路連線，請連線後再試。";
    SigningIn => "Signing in…", "登入中…";
    SessionEnded => "Your session ended. Sign in again — your changes are kept on this device.", "登入已逾時，請重新登入——你的變更仍保存在此裝置上。";
    UpdateNeeded => "A newer version of the app is needed. Reload to update — your changes are kept.", "需要更新應用程式。請重新載入——你的變更會保留。";
    AcceptInvite => "Set your password", "設定密碼";
    InviteCode => "Invite code", "邀請碼";
    InviteInvalid => "This invite code is unknown, used or expired.", "此邀請碼無效、已使用或已過期。";
    InviteFor => "Invitation for", "邀請對象";
    InviteAsStudent => "as a student", "身分：學生";
    InviteAsMentor => "as a mentor", "身分：導師";
    InviteAsStaff => "as program staff", "身分：計畫人員";
    PasswordRuleAtLeast => "At least", "至少";
    PasswordRuleCharacters => "characters", "個字元";
    InviteCheckingCode => "Checking the invite code…", "正在確認邀請碼…";
    InviteCheckOffline => "You are offline, so the invite code cannot be checked now. Your entries are kept; try again when you are online.", "目前離線，無法確認邀請碼。你輸入的內容會保留，請連線後再試。";
    Home => "Home", "首頁";
    Tasks => "Tasks", "任務";
    Changes => "Changes", "變更";
    Settings => "Settings", "設定";
    Language => "Language", "語言";
    MainNavigation => "Main navigation", "主選單";
    HelloStudent => "Welcome back", "歡迎回來";
    WelcomeFirst => "Welcome", "歡迎";
    HelloMentor => "Your mentees", "你的學員";
    HelloStaff => "Program overview", "計畫總覽";
    Offline => "Offline", "離線";
    Syncing => "Syncing…", "同步中…";
    UpToDate => "Up to date", "已同步";
    NeverSynced => "Not synced yet", "尚未同步";
    ServerProblem => "The server has a problem; retrying", "伺服器發生問題，將自動重試";
    StorageProblem => "This device's storage failed; retrying", "此裝置的儲存空間發生錯誤，將自動重試";
    SyncStatusTitle => "Sync", "同步狀態";
    RetryNow => "Retry now", "立即重試";
    ChangesKeptOnDevice => "Your changes are kept on this device until the server accepts them.", "你的變更會保存在此裝置上，直到伺服器接受為止。";
    WhatYouTyped => "What you wrote", "你輸入的內容";
    CopyText => "Copy text", "複製文字";
    Copied => "Copied", "已複製";
    TryAgain => "Try again", "再試一次";
    RedoAsNewSession => "Log it as a new session", "記錄為新的會談";
    RedoAsNewTask => "Add it as a new task", "新增為新的任務";
    NotesRequired => "Write what happened in the session.", "請寫下會談的內容。";
    PositionClosedPill => "Closed", "已關閉";
    PositionGone => "A position that is no longer offered", "已不再提供的職缺";
    LogPastSession => "Log past session", "記錄過去的會談";
    PastSessionHint => "This time has passed: log what happened instead of scheduling it.", "這個時間已經過去：請記錄會談內容，而不是排定會談。";
    SignInAgain => "Sign in again", "重新登入";
    ReloadToUpdate => "Reload to update", "重新載入以更新";
    SyncNow => "Sync now", "立即同步";
    NewTask => "New task", "新增任務";
    TaskTitle => "What needs doing?", "要做什麼？";
    DueDate => "Due date", "截止日期";
    Add => "Add", "新增";
    Save => "Save", "儲存";
    Cancel => "Cancel", "取消";
    Delete => "Delete", "刪除";
    Edit => "Edit", "編輯";
    Done => "Done", "完成";
    NoTasks => "No tasks yet. Add the first one above.", "目前沒有任務，請在上方新增第一個。";
    Waiting => "Waiting to sync", "等待同步";
    WaitingChanges => "Changes waiting to sync", "等待同步的變更";
    RejectedChanges => "Changes the server refused", "伺服器拒絕的變更";
    NothingWaiting => "Nothing is waiting: everything is synced.", "沒有等待中的變更，全部已同步。";
    NothingRejected => "No refused changes.", "沒有被拒絕的變更。";
    Dismiss => "Dismiss", "關閉";
    Inbox => "Needs your attention", "待辦提醒";
    InboxBell => "Needs your attention", "待辦提醒";
    InboxEmpty => "Nothing needs your attention right now.", "目前沒有需要您處理的事項。";
    InboxHelp => "Worked out on this phone from what it has synced, so it is here offline too.", "依本機已同步的資料整理，離線時也能查看。";
    InboxNow => "Now and coming up", "現在與近期";
    PairHealth => "Pair health", "配對狀況";
    PairHealthFine => "Nothing to look into.", "目前沒有需要注意的事項。";
    PairsNeedingAttention => "Pairs that may need attention", "可能需要關心的配對";
    NoPairsNeedingAttention => "Every active pair looks on track.", "所有進行中的配對看起來都很順利。";
    SeverityHigh => "Act now", "立即處理";
    SeverityMedium => "This week", "本週處理";
    SeverityLow => "Worth a look", "留意";
    HowFlagsWork => "How your mentoring is looked after", "我們如何關心您的輔導";
    HowFlagsWorkText => "Your mentor and program staff see simple signs when mentoring seems to stall: no first session two weeks after your placement starts, no session for 30 days, a session rated 1 or 2, feedback from only one side, a visa step overdue, a task overdue by more than a week, or 21 days without opening this app during your placement. They come only from what you and your mentor record in this app and from the day each of you last opened it (shown to the two of you and to staff as \"Last active\"; nothing else about your use is kept), so that someone can check in with you.", "當輔導似乎停滯時，您的導師與計畫人員會看到簡單的提示：實習開始兩週後仍未進行第一次會談、30 天沒有會談、會談評分為 1 或 2、只有一方留下回饋、簽證步驟逾期、任務逾期超過一週，或實習期間 21 天未開啟本應用程式。這些提示只來自您與導師在本應用程式中記錄的內容，以及你們各自最近一次開啟本應用程式的日期（以「最近使用」顯示給你們兩位與計畫人員；不保留其他使用紀錄），目的是讓有人能主動關心您。";
    LastActive => "Last active", "最近使用";
    InboxShowDismissed => "Show dismissed again", "重新顯示已略過的項目";
    Reason => "Reason", "原因";
    ConfirmSignOutTitle => "Sign out with unsynced changes?", "仍有未同步的變更，確定登出？";
    ConfirmSignOutBody => "Some changes have not reached the server yet. Signing out deletes them from this device.", "部分變更尚未送達伺服器。登出會從此裝置刪除這些變更。";
    SignOutAnyway => "Sign out anyway", "仍要登出";
    Mentee => "Mentee", "學員";
    ChooseMentee => "Choose a mentee", "選擇學員";
    NoMentees => "No mentees yet. They appear here when staff confirm a placement.", "目前沒有學員。計畫人員確認配對後會顯示在這裡。";
    Students => "Students", "學生";
    Organizations => "Organizations", "合作單位";
    Mentors => "Mentors", "導師";
    Positions => "Positions", "職缺";
    Loading => "Loading…", "載入中…";
    NotForRoleTitle => "This screen is not for your role", "此畫面不適用於你的身分";
    NotForRoleWho => "It is for:", "此畫面適用於：";
    NotForRoleSignedInAs => "You are signed in as:", "你目前的身分：";
    NotForRoleYourScreens => "Your own screens are in the menu.", "你可以使用的畫面都在選單中。";
    GoHome => "Go to Home", "回到首頁";
    ScreenNotLoaded => "This screen could not be loaded. It opens offline once the app has been online with it installed; check the connection and try again.", "無法載入此畫面。應用程式連線並完成安裝後即可離線開啟；請檢查網路後再試一次。";
    SyncNotLoaded => "Not syncing: this device has not got the app's sync code yet. Connect to the internet.", "尚未同步：此裝置還沒有取得應用程式的同步程式碼。請連上網路。";
    CoreNotLoaded => "This part of the app could not be loaded, so the change is not saved yet. What you typed is kept: check the connection and try again.", "無法載入應用程式的這個部分，變更尚未儲存。您輸入的內容仍保留：請檢查網路後再試一次。";
    StorageFailed => "This device's storage is not available, so the app cannot keep your data offline.", "此裝置的儲存空間無法使用，應用程式無法離線保存資料。";
    NewVersion => "A new version is ready.", "新版本已準備好。";
    Reload => "Reload", "重新載入";
    DueThisWeek => "Due this week", "本週到期";
    Overdue => "Overdue", "已逾期";
    TitleRequired => "Give the task a title.", "請輸入任務名稱。";
    SkipToContent => "Skip to content", "跳到主要內容";
    Sessions => "Sessions", "會談";
    ScheduleSession => "Schedule a session", "安排會談";
    Date => "Date", "日期";
    Time => "Time", "時間";
    Duration => "Length", "時長";
    Minutes => "min", "分鐘";
    Format => "How", "方式";
    InPerson => "In person", "面對面";
    Video => "Video call", "視訊";
    Phone => "Phone call", "電話";
    PlaceOrLink => "Place or link", "地點或連結";
    Agenda => "Agenda", "議程";
    Notes => "Notes", "紀錄";
    NextSteps => "Next steps", "後續行動";
    LogSession => "Log notes", "填寫紀錄";
    CancelSession => "Cancel session", "取消會談";
    Scheduled => "Scheduled", "已安排";
    Completed => "Held", "已完成";
    Cancelled => "Cancelled", "已取消";
    NoSessions => "No sessions yet. Schedule the first one above.", "目前沒有會談，請在上方安排第一次會談。";
    DateRequired => "Choose a date.", "請選擇日期。";
    TimeRequired => "Choose a time.", "請選擇時間。";
    NextSession => "Next session", "下一次會談";
    Jobs => "Jobs", "求職";
    NewApplication => "New application", "新增應徵";
    Company => "Company", "公司";
    Role => "Role", "職位";
    NextStep => "Next step", "下一步";
    CompanyAndRoleRequired => "Enter the company and the role.", "請輸入公司與職位。";
    StageApplied => "Applied", "已應徵";
    StageInterview => "Interview", "面試";
    StageOffer => "Offer", "錄取通知";
    StageAccepted => "Accepted", "已接受";
    StageRejected => "Rejected", "未錄取";
    StageWithdrawn => "Withdrawn", "已撤回";
    Visa => "Visa", "簽證";
    VisaEditLink => "Visa routes: fees, documents and deadlines", "簽證途徑：規費、文件與期限";
    VisaEditTitle => "Visa routes", "簽證途徑";
    VisaEditHelp => "When a fee, a document or a deadline changes, correct the route here and say what changed: students see the new version with your note. It is saved on this device first and syncs when you are online.", "規費、文件或期限有變動時，請在此修正途徑並說明變更內容：學生會看到新版本與你的說明。修改會先存於此裝置，連線後自動同步。";
    VisaEditVersion => "Version", "版本";
    VisaEditNeverChecked => "Its sources have never been checked", "此途徑的來源從未查核";
    VisaEditNeedsReview => "Not checked against its sources for 6 months: check the fees, documents and deadlines, then set the day checked.", "已超過 6 個月未依官方來源查核：請確認規費、文件與期限，再更新查核日期。";
    VisaEditNameEn => "Route name (English)", "途徑名稱（英文）";
    VisaEditNameZh => "Route name (繁體中文)", "途徑名稱（繁體中文）";
    VisaEditCheckedOn => "Sources checked on", "來源查核日期";
    VisaEditStep => "Step", "步驟";
    VisaEditStepTitleEn => "What to do (English)", "辦理事項（英文）";
    VisaEditStepTitleZh => "What to do (繁體中文)", "辦理事項（繁體中文）";
    VisaEditAuthorityEn => "Handled by (English)", "承辦機關（英文）";
    VisaEditAuthorityZh => "Handled by (繁體中文)", "承辦機關（繁體中文）";
    VisaEditFee => "Fee in NT$ (empty when none)", "規費（新臺幣，無則留空）";
    VisaEditDue => "Due", "期限";
    VisaEditDueWithinAfter => "Within some days after a date", "某日期後幾天內";
    VisaEditDueBefore => "Some days before a date", "某日期前幾天";
    VisaEditDueOnDate => "On the date itself", "當天";
    VisaEditDueNone => "No due date", "無期限";
    VisaEditCountedFrom => "Counted from", "起算日期";
    VisaEditDays => "Days", "天數";
    VisaEditAnchorGraduation => "Graduation date", "畢業日期";
    VisaEditAnchorResidenceCard => "Residence card (ARC) expiry", "居留證（ARC）到期日";
    VisaEditAnchorPlacementStart => "Placement or job start", "實習或工作開始日";
    VisaEditAnchorPermitExpiry => "Work permit expiry", "工作許可到期日";
    VisaEditAnchorPermitIssued => "Work permit issued", "工作許可核發日";
    VisaEditAnchorChosenDate => "A date the student picks", "學生自選的日期";
    VisaEditDocumentsEn => "Documents (English, one per line)", "文件（英文，一行一項）";
    VisaEditDocumentsZh => "Documents (繁體中文, one per line)", "文件（繁體中文，一行一項）";
    VisaEditNoteEn => "Note (English)", "說明（英文）";
    VisaEditNoteZh => "Note (繁體中文)", "說明（繁體中文）";
    VisaEditSources => "Sources, one per line: address | title | 中文標題", "來源，一行一項：網址 | 英文標題 | 中文標題";
    VisaEditChangesEn => "What changed, for students (English)", "變更內容，給學生看（英文）";
    VisaEditChangesZh => "What changed, for students (繁體中文)", "變更內容，給學生看（繁體中文）";
    VisaEditChangesBefore => "The last version told students:", "上一版給學生的說明：";
    VisaEditSave => "Save as a new version", "儲存為新版本";
    VisaEditEnterFee => "Enter each fee as a whole number of NT$, or leave it empty.", "請以整數填寫新臺幣規費，或留空。";
    VisaEditEnterDays => "Enter the days as a whole number from 0 to 3650.", "請以 0 到 3650 的整數填寫天數。";
    VisaEditChangesRequired => "Say what changed in both languages, so students know what is new.", "請用兩種語言說明變更內容，讓學生知道有什麼不同。";
    VisaEditSourceInvalid => "Write each source as its address, starting with https:// or http://, then | and its title.", "每個來源請寫成：完整網址，接著「|」與英文標題。";
    VisaEditFieldsRequired => "Every route needs a name, and every step what to do and who handles it, in English.", "每個途徑都需要英文名稱；每個步驟都需要英文的辦理事項與承辦機關。";
    VisaAdviceTitle => "Which route applies to you", "適用於你的路徑";
    VisaAdviceFrom => "Worked out from your graduation date, placement dates, residence card and degree on your profile.", "依據你個人資料中的畢業日期、實習日期、居留證與學位判斷。";
    VisaAdviceMentor => "Worked out from the student's graduation date, placement dates, residence card and degree.", "依據學生的畢業日期、實習日期、居留證與學位判斷。";
    EditDates => "Edit these dates", "編輯這些日期";
    NothingToPropose => "No route can be proposed until the dates are filled in.", "填入日期後才能提出建議的路徑。";
    CheckedOn => "Checked on", "查核日期";
    SourceLabel => "Source", "來源";
    DegreeLevel => "Degree level", "學位等級";
    DegreeNotSet => "Not set", "未填寫";
    DegreeAssociate => "Associate degree", "副學士";
    DegreeBachelor => "Bachelor's degree", "學士";
    DegreeMaster => "Master's degree", "碩士";
    DegreeDoctorate => "Doctorate", "博士";
    HongKongMacau => "I came as a Hong Kong or Macau student", "我是港澳生";
    PlacementStart => "Placement or job starts", "實習或工作開始日";
    PlacementEnd => "Placement or job ends", "實習或工作結束日";
    EndBeforeStart => "The end date is before the start date.", "結束日期早於開始日期。";
    RouteNewVersion => "The rules of this route were updated.", "此路徑的規定已更新。";
    RouteVersion => "Version", "版本";
    MoveToVersion => "Update my checklist (your progress is kept)", "更新我的清單（保留你的進度）";
    FeeLabel => "Fee", "規費";
    HiringTitle => "Hiring an IMP graduate", "聘用 IMP 畢業生";
    HiringIntro => "For each route to work in Taiwan: what the company must do and when, and what the graduate does meanwhile. From the same rules students follow.", "在臺工作的每一種途徑：公司須辦理的事項與時程，以及畢業生同時要辦理的事項。內容與學生使用的規定相同。";
    HiringCompanyDoes => "What the company does", "公司須辦理";
    HiringGraduateDoes => "What the graduate does", "畢業生須辦理";
    HiringNothingForCompany => "Nothing to apply for: the graduate handles this route.", "公司無須申請：此途徑由畢業生自行辦理。";
    HiringWhen => "When:", "時程：";
    OpenHiring => "Hiring an IMP graduate: what the company does", "聘用 IMP 畢業生：公司須辦理的事項";
    VisaRoutes => "Routes to work in Taiwan", "在臺工作的途徑";
    AddRoute => "Add to my checklist", "加入我的清單";
    RouteAdded => "On your checklist", "已在清單中";
    Checklist => "My checklist", "我的清單";
    NoVisaSteps => "No steps yet. Add the route that fits you below.", "目前沒有步驟，請在下方加入適合你的途徑。";
    Documents => "Documents", "文件";
    Progress => "Progress", "進度";
    StepTodo => "To do", "待辦";
    StepInProgress => "In progress", "進行中";
    StepSubmitted => "Submitted", "已送件";
    StepDone => "Done", "已完成";
    StepNotNeeded => "Not needed", "不需要";
    Calendar => "Calendar", "行事曆";
    CalendarHelp => "Sessions, workshops and visa deadlines in one file for your calendar app.", "會談、工作坊與簽證期限整合成一個檔案，可匯入行事曆。";
    RemindersTitle => "Reminders on this device", "這台裝置上的提醒";
    RemindersHelp => "A notification when something in your inbox comes due, even when the app is closed. You choose which, and when to stay quiet.", "收件匣有事到期時通知您，即使應用程式沒有開啟。您可以選擇要哪些提醒，以及何時保持安靜。";
    RemindersTurnOn => "Turn on reminders", "開啟提醒";
    RemindersTurnOff => "Turn off reminders", "關閉提醒";
    RemindersSave => "Save reminder settings", "儲存提醒設定";
    RemindersAreOn => "Reminders are on for this device.", "這台裝置已開啟提醒。";
    RemindersSaved => "Reminder settings saved.", "提醒設定已儲存。";
    RemindersTurnedOff => "Reminders are off for this device.", "這台裝置已關閉提醒。";
    RemindersWhich => "Remind me of", "提醒我";
    QuietFrom => "Quiet from (Taiwan time)", "勿擾開始（台灣時間）";
    QuietUntil => "Quiet until (Taiwan time)", "勿擾結束（台灣時間）";
    CategorySession => "Sessions coming up", "即將到來的會談";
    CategoryFeedback => "Feedback to give", "待填的回饋";
    CategoryTask => "Tasks due", "到期的任務";
    CategoryVisa => "Visa deadlines", "簽證期限";
    CategoryRanking => "The ranking deadline", "志願排序截止";
    CategoryWorkshop => "Workshops today", "今天的工作坊";
    CategoryConcern => "Concerns waiting for staff", "等待處理的關注事項";
    CategoryEvaluation => "Evaluations and surveys to answer", "待填的評量與調查";
    CategoryPairHealth => "Pair-health flags about your mentees", "學員的配對狀況提醒";
    PushUnsupported => "This browser cannot show reminders. On an iPhone, add the app to your home screen first.", "此瀏覽器無法顯示提醒。iPhone 請先將應用程式加入主畫面。";
    PushBlocked => "Notifications are blocked for this app in the browser's settings.", "瀏覽器設定封鎖了此應用程式的通知。";
    PushServiceFailed => "This browser's notification service did not answer. Try again later.", "此瀏覽器的通知服務沒有回應，請稍後再試。";
    CalendarFeedTitle => "Calendar subscription", "訂閱行事曆";
    CalendarFeedHelp => "A private link your calendar app (Google, Outlook, Apple) subscribes to, so sessions, workshops and visa deadlines stay up to date there. Anyone with the link sees them: stop it if it leaks.", "讓行事曆應用程式（Google、Outlook、Apple）訂閱的私人連結，會談、工作坊與簽證期限會自動更新。任何拿到連結的人都看得到：外流時請停用。";
    CalendarFeedCreate => "Create a calendar link", "建立行事曆連結";
    CalendarFeedReplace => "Replace with a new link", "換成新的連結";
    CalendarFeedLink => "Your calendar link", "您的行事曆連結";
    CalendarFeedOpen => "Open in calendar app", "用行事曆應用程式開啟";
    CalendarFeedCopy => "Copy link", "複製連結";
    CalendarFeedCopied => "Link copied.", "已複製連結。";
    CalendarFeedStop => "Stop this link", "停用此連結";
    CalendarFeedStopped => "The link no longer works.", "此連結已停用。";
    ExportCalendar => "Download calendar (.ics)", "下載行事曆（.ics）";
    Deadlines => "Visa deadlines", "簽證期限";
    Profile => "Profile", "個人資料";
    Nationality => "Nationality", "國籍";
    University => "University", "學校";
    Department => "Department", "系所";
    Degree => "Degree", "學位";
    Graduation => "Expected graduation", "預計畢業日期";
    Languages => "Languages (comma separated)", "語言（以逗號分隔）";
    MandarinLevel => "Mandarin level (TOCFL 0–6)", "華語程度（TOCFL 0–6）";
    ArcExpiry => "Residence card (ARC) expiry", "居留證（ARC）到期日";
    Interests => "Career interests (comma separated)", "職涯興趣（以逗號分隔）";
    Saved => "Saved on this device; it syncs when you are online.", "已存於此裝置，連線後會自動同步。";
    RaiseConcern => "Raise a concern", "提出關切事項";
    ConcernHelp => "Only program staff read this. They will contact you.", "只有計畫人員會看到，他們會與你聯繫。";
    Topic => "Topic", "類別";
    Priority => "Priority", "緊急程度";
    TopicVisa => "Visa or work permit", "簽證或工作許可";
    TopicHousing => "Housing", "住宿";
    TopicHealth => "Health", "健康";
    TopicLegal => "Legal", "法律";
    TopicPlacement => "The placement", "實習安排";
    TopicOther => "Something else", "其他";
    PriorityLow => "When convenient", "不急";
    PriorityNormal => "Soon", "盡快";
    PriorityUrgent => "Urgent", "緊急";
    WhatHappened => "What is going on?", "發生了什麼事？";
    SendToStaff => "Send to staff", "送交計畫人員";
    ConcernRequired => "Describe the concern.", "請描述關切事項。";
    ConcernSent => "Saved on this device. It reaches staff as soon as you are online.", "已存在這台裝置上，連線後就會送達計畫人員。";
    ConcernReached => "Sent: program staff have it.", "已送達計畫人員。";
    ConcernsWaiting => "Waiting to reach staff", "等待送達計畫人員";
    Concerns => "Concerns", "關切事項";
    NoConcerns => "No concerns.", "沒有關切事項。";
    ConcernOpen => "Open", "待處理";
    ConcernInProgress => "In progress", "處理中";
    ConcernResolved => "Resolved", "已解決";
    GrowthTitle => "Program growth by cohort", "各屆計畫成長";
    CohortYear => "Cohort", "屆別";
    ExportStudents => "Export students (CSV)", "匯出學生名單（CSV）";
    Goals => "Goals", "目標";
    NoGoals => "No goals yet.", "目前沒有目標。";
    NewGoal => "New goal", "新增目標";
    TargetDate => "Target date", "目標日期";
    SuccessCriteria => "How will you know you got there?", "如何判斷已達成？";
    GoalTitleRequired => "Give the goal a title.", "請輸入目標名稱。";
    UnderGoal => "Goal", "所屬目標";
    NoGoal => "No goal", "無";
    MyPlacement => "My placement", "我的實習";
    YourMentor => "Your mentor", "你的導師";
    Workshops => "Workshops coming up", "即將舉辦的工作坊";
    Rsvp => "I'll come", "我會參加";
    NotGoing => "Can't come", "無法參加";
    Going => "Going", "會參加";
    SeatsLeft => "Seats left", "剩餘名額";
    WorkshopFull => "Full: you can still say you'll come, but a seat is not guaranteed.", "已額滿：仍可報名，但不保證有座位。";
    OtherAccount => "Changes of another account are waiting on this device. Sign in as that person to send them, or sign out to discard them.", "此裝置上有另一個帳號的變更尚未同步。請以該帳號登入以送出，或登出以捨棄。";
    RankPositions => "Rank positions", "職缺志願排序";
    MyRanking => "My ranking", "我的志願";
    RankingEmpty => "You have not ranked any position yet. Pick from the list below.", "你尚未選擇任何職缺，請從下方清單挑選。";
    RankingClosed => "The ranking deadline has passed; your choices are final.", "志願截止日已過，你的選擇已確定。";
    RankingFull => "You have ranked as many positions as your cohort allows.", "你已達到本屆可選擇的志願上限。";
    RankingDeadline => "Deadline", "截止";
    RankThis => "Rank", "加入志願";
    Ranked => "Ranked", "已選";
    MoveUp => "Move up", "上移";
    MoveDown => "Move down", "下移";
    Remove => "Remove", "移除";
    WhyThisChoice => "Why this position?", "選擇此職缺的原因";
    OpenPositions => "Open positions", "開放職缺";
    Search => "Search", "搜尋";
    Industry => "Industry", "產業";
    IndustryZh => "Industry in 繁體中文", "產業（繁體中文）";
    AllIndustries => "All industries", "所有產業";
    PaidOnly => "Paid only", "僅限有薪";
    WithHousing => "With housing", "提供住宿";
    Paid => "Paid", "有薪";
    Unpaid => "Unpaid", "無薪";
    Housing => "Housing", "住宿";
    Slots => "Places", "名額";
    NoPositionsMatch => "No open position matches.", "沒有符合條件的開放職缺。";
    NoCohort => "Your cohort has no ranking round.", "你的屆別目前沒有志願排序。";
    Contact => "Contact", "聯絡方式";
    Expertise => "Expertise", "專長";
    CheckIn => "Check in", "報到";
    CheckInCode => "Check-in code", "報到代碼";
    CheckInHelp => "Scan the QR code staff show at the workshop with your phone's camera, or type the code below. It works offline.", "用手機相機掃描工作坊現場的 QR code，或在下方輸入代碼。離線也能報到。";
    CheckedIn => "Checked in", "已報到";
    CheckedInAt => "You are checked in. It reaches the program office when you are next online.", "已完成報到，下次連線時會送到計畫辦公室。";
    AlreadyCheckedIn => "You were already checked in.", "你已經報到過了。";
    UnknownWorkshop => "This check-in link is not for a workshop this app knows. Sync, then try again.", "此報到連結對應的工作坊不存在。請同步後再試一次。";
    CodeRequired => "Enter the code shown at the workshop.", "請輸入工作坊現場顯示的代碼。";
    Milestones => "Career readiness", "職涯準備";
    WorkshopsAttended => "Workshops attended", "已參加工作坊";
    Feedback => "Feedback", "回饋";
    GiveFeedback => "Give feedback", "填寫回饋";
    Rating => "Rating", "評分";
    FeedbackText => "What went well, what could be better?", "哪些做得好？哪些可以更好？";
    YourFeedback => "Your feedback", "你的回饋";
    TheirFeedback => "Their feedback", "對方的回饋";
    FeedbackHidden => "Their feedback shows once you have both answered, or a week after the session.", "雙方都填寫後，或會談結束一週後，才會顯示對方的回饋。";
    FeedbackNoneGiven => "The week for feedback has passed: they gave none for this session.", "回饋期限（會談後一週）已過：對方沒有留下回饋。";
    RatingRequired => "Choose a rating from 1 to 5.", "請選擇 1 到 5 的評分。";
    ManageWorkshops => "Workshops", "工作坊";
    NewWorkshop => "New workshop", "新增工作坊";
    WorkshopTitle => "Title", "名稱";
    Place => "Place", "地點";
    Capacity => "Capacity", "人數上限";
    ShowQr => "Show check-in QR code", "顯示報到 QR code";
    HideQr => "Hide QR code", "隱藏 QR code";
    QrHelp => "Students scan this with their phone camera to check in, even offline.", "學生用手機相機掃描即可報到，離線也可以。";
    FieldsRequired => "Fill in the title, date, time and place.", "請填寫名稱、日期、時間與地點。";
    NoWorkshops => "No workshops yet.", "目前沒有工作坊。";
    Matching => "Matching", "媒合";
    AwaitingPlacement => "Students waiting for a placement", "等待媒合的學生";
    RankingStillOpen => "This cohort's ranking deadline has not passed yet; students may still change their choices.", "本屆志願截止日尚未到，學生仍可能更改志願。";
    ProposeMatches => "Propose placements", "產生媒合建議";
    Unmatched => "Not matched", "未能媒合";
    Proposals => "Proposals", "媒合建議";
    NoProposals => "No proposals yet.", "目前沒有媒合建議。";
    ProposalDraft => "To review", "待審核";
    ProposalConfirmed => "Confirmed", "已確認";
    ProposalRejected => "Rejected", "已退回";
    Confirm => "Confirm", "確認";
    Reject => "Reject", "退回";
    SwapWith => "Swap with…", "與…交換";
    ConfirmAll => "Confirm all", "全部確認";
    ShowMore => "Show more", "顯示更多";
    Raised => "Raised", "提出於";
    KeepIt => "Keep it", "保留";
    ConfirmDeleteTaskTitle => "Delete this task?", "要刪除這項任務嗎？";
    ConfirmDeleteTaskBody => "It goes for the student and the mentor alike.", "學生與導師都將看不到這項任務。";
    ConfirmCancelSessionTitle => "Cancel this session?", "要取消這次會談嗎？";
    ConfirmCancelSessionBody => "The other person sees it cancelled once your change syncs.", "同步後，對方會看到這次會談已取消。";
    EnterMandarinLevel => "Enter a Mandarin level from 0 to 6 (TOCFL), or leave it empty.", "請輸入 0 到 6 的華語程度（TOCFL），或留空。";
    AlreadyPlaced => "You already have a placement, so you do not need to rank positions. You can still browse them.", "你已有實習配對，不需要填寫志願；仍可瀏覽職缺。";
    RankedChoices => "Ranked choices", "志願排序";
    NoPlacementYet => "No placement yet.", "尚未配對實習。";
    NothingRankedYet => "Nothing ranked yet.", "尚未填寫志願。";
    NoSessionsHeldYet => "No sessions held yet.", "尚未進行任何會談。";
    NoWorkshopsYet => "No workshops attended yet.", "尚未參加任何工作坊。";
    NoOutcomeYet => "No outcome recorded yet.", "尚未記錄就業結果。";
    AllRoles => "All roles", "所有角色";
    AllCohorts => "All cohorts", "所有梯次";
    AllOrganizations => "All organizations", "所有單位";
    EnterPlaces => "Enter a number of places from 1 to 100.", "請輸入 1 到 100 之間的名額。";
    EnterCapacity => "Enter a capacity from 0 to 20 mentees.", "請輸入 0 到 20 之間的學員名額。";
    EnterMaxChoices => "Enter a number of choices from 1 to 10.", "請輸入 1 到 10 之間的志願數。";
    ChooseMentor => "Choose a mentor", "選擇導師";
    ChangeMentor => "Change the mentor", "更換導師";
    MentorChosenByStaff => "Mentor chosen by staff", "導師由計畫人員指定";
    NoMentorHasRoom => "No mentor has room in this round. Raise a mentor's capacity or add a mentor on", "本輪沒有導師還有名額。請在此調整導師名額或新增導師：";
    PlacementsByState => "Placements", "實習配對狀態";
    PlacementProposed => "Proposed", "建議中";
    PlacementConfirmed => "Confirmed", "已確認";
    PlacementActive => "Active", "進行中";
    PlacementCompleted => "Completed", "已完成";
    PlacementEndedEarly => "Ended early", "提前結束";
    PlacementWithdrawn => "Withdrawn", "已撤回";
    SessionsPerMonth => "Mentoring sessions held per month", "每月完成的導師會談";
    WorkshopAttendance => "Workshop attendance", "工作坊出席人數";
    JobOutcomes => "Job outcomes of graduates", "畢業生就業成果";
    Graduates => "Graduates", "畢業生";
    Employed => "Employed", "已就業";
    StayedInTaiwan => "Stayed in Taiwan", "留在臺灣";
    StayedByRoute => "Stayed in Taiwan, by visa route", "留臺者的簽證途徑";
    Funnel => "From ranking to work in Taiwan", "從填志願到在臺就業";
    FunnelHelp => "Each column counts the students whose records show they got at least that far.",
        "每欄計算紀錄顯示至少走到該階段的學生人數。";
    FunnelByCohort => "By cohort", "依屆別";
    FunnelByRoute => "By visa route", "依簽證途徑";
    // Evaluation templates (staff editor).
    TplHeading => "Evaluation templates", "評量範本";
    TplHelp => "The questions of each evaluation and outcome survey. Saving an edit makes a new version; answers already given keep the version they answered.",
        "各項評量與成果調查的題目。儲存修改會建立新版本；已填寫的答案仍保留當時回答的版本。";
    TplVersion => "Version", "版本";
    TplAnsweredByMentor => "Answered by the mentor", "由導師填寫";
    TplAnsweredByStudent => "Answered by the student", "由學生填寫";
    TplEditNewVersion => "Edit as a new version", "編輯為新版本";
    TplSave => "Save as version", "儲存為版本";
    TplAddQuestion => "Add question", "新增題目";
    TplRemoveQuestion => "Remove", "移除";
    TplQuestion => "Question", "題目";
    TplQuestionId => "Question id (letters, digits, - and _)", "題目代碼（英文字母、數字、- 與 _）";
    TplQuestionText => "Question (English)", "題目（英文）";
    TplQuestionTextZh => "Question (繁體中文)", "題目（繁體中文）";
    TplAnswerKind => "Answered with", "作答方式";
    TplRequired => "Required", "必填";
    TplTitleEn => "Title (English)", "標題（英文）";
    TplTitleZh => "Title (繁體中文)", "標題（繁體中文）";
    TplAnswerScale => "Scale 1–5", "1–5 分量表";
    TplAnswerYesNo => "Yes or no", "是或否";
    TplAnswerText => "Written answer", "文字回答";
    TplAnswerVisaRoute => "Visa route", "簽證途徑";
    TplOutcomeKeep => "An outcome survey must keep its yes/no questions with the ids employed and in_taiwan: the program's figures read them.",
        "成果調查必須保留「是否就業」與「是否在臺灣」這兩個是非題，且不可更改其題目代碼：計畫統計會使用這些答案。";
    FunnelEnrolled => "Enrolled", "已加入";
    FunnelRanked => "Ranked positions", "已填志願";
    FunnelMatched => "Matched", "已配對";
    FunnelStarted => "Started", "已開始實習";
    FunnelWorkingInTaiwan => "Working in Taiwan", "在臺就業";
    FunnelEvaluated => "Evaluated", "已完成評量";
    Evaluations => "Evaluations", "評量";
    EvaluationsHelp => "Evaluations and outcome surveys of your placement, when each is due. Your answers are seen by the student or mentor of the placement and by program staff. You can answer offline; they are sent when you are online.",
        "實習的評量與成果調查及各自的期限。你的答案會由該實習的學生或導師以及計畫人員看到。可以離線填寫，連線後會送出。";
    EvaluationsDue => "To answer", "待填寫";
    EvaluationsDone => "Answered", "已填寫";
    NoEvaluationsDue => "Nothing to answer now.", "目前沒有需要填寫的評量。";
    NoEvaluationsDone => "No evaluation answered yet.", "尚未填寫任何評量。";
    EvaluationDueOn => "Due", "期限";
    EvaluationOpen => "Answer", "填寫";
    EvaluationSend => "Send answers", "送出答案";
    EvaluationRequired => "required", "必填";
    EvaluationYes => "Yes", "是";
    EvaluationNo => "No", "否";
    EvaluationNoAnswer => "—", "—";
    EvaluationOtherRoute => "Another route or none", "其他途徑或無";
    EvaluationAbout => "About", "對象";
    EvaluationVersion => "Template version", "範本版本";
    EvaluationNoPlacement => "Evaluations start when your placement has started.", "實習開始後才會有評量。";
    ExportEvaluations => "Export evaluation answers (CSV)", "匯出評量答案（CSV）";
    VisaRouteColumn => "Visa route", "簽證途徑";
    PartnerReport => "Partner report", "合作單位報告";
    PartnerReportLink => "Report", "報告";
    PartnerReportHelp => "From the program data and the students' summaries on this device.",
        "依本裝置上的計畫資料與學生摘要整理。";
    NoSuchOrganization => "This organization is not in this device's data yet. Sync, then try again.",
        "此裝置尚無這個合作單位的資料，請同步後再試。";
    OpenPlaces => "Open places", "開放名額";
    StudentsPlaced => "Students placed", "媒合的學生";
    NoStudentsPlaced => "No student has been placed here yet.", "尚無學生媒合至此單位。";
    SessionsHeldTotal => "Mentoring sessions held", "完成的導師會談";
    Print => "Print", "列印";
    Exports => "Exports (CSV)", "匯出（CSV）";
    ExportPlacements => "Export placements (CSV)", "匯出實習配對（CSV）";
    ExportSessions => "Export sessions (CSV)", "匯出會談（CSV）";
    ExportOutcomes => "Export outcomes (CSV)", "匯出就業成果（CSV）";
    WaitingForPlacement => "Waiting for a placement", "等待配對";
    ProgramData => "Program", "計畫資料";
    Cohorts => "Cohorts", "屆別";
    MaxChoices => "Most choices", "志願上限";
    PartnerUniversities => "Partner universities", "合作大學";
    Country => "Country", "國家";
    Approved => "Approved", "已核准";
    OrganizationName => "Organization", "合作單位";
    OpenForRanking => "Open", "開放中";
    LanguagesNeeded => "Languages needed", "語言需求";
    NoSuchStudent => "This student is not in this device's data yet. Sync, then try again.", "此裝置尚無這位學生的資料，請同步後再試。";
    SpokenLanguages => "Languages", "語言";
    CareerInterests => "Career interests", "職涯興趣";
    People => "People", "人員";
    LastSession => "Last session held", "上次會談";
    OpenTasks => "Open tasks", "未完成任務";
    ActiveApplications => "Applications in progress", "進行中的應徵";
    Attendance => "Attendance", "出席名單";
    Assignee => "Handled by", "負責人";
    You => "you", "你";
    Nobody => "nobody yet", "尚未指派";
    TakeConcern => "I'll handle it", "由我處理";
    EndPlacementTitle => "End this placement early", "提前結束實習配對";
    EndPlacementHelp => "Say why: program staff see it, and the mentor no longer has access to the student's space.", "請說明原因：計畫人員會看到，導師也將無法再存取學生的空間。";
    EndPlacementReason => "Why it ends", "結束原因";
    EndPlacementButton => "End the placement", "結束實習配對";
    EndPlacementNeedsReason => "Say why the placement ends.", "請說明結束的原因。";
    EndedEarlyBecause => "Ended early", "提前結束";
    FlagHandle => "Handle", "處理";
    FlagBeingHandled => "program staff are on it", "計畫人員處理中";
    FlagYouHandle => "you are on it", "由你處理中";
    FlagSnoozeUntil => "Back on", "延後到";
    FlagSnooze => "Snooze", "延後";
    FlagResolveNote => "What was done", "處理方式";
    FlagResolve => "Resolve", "標記為已處理";
    FlagSnoozeNeedsDay => "Choose the day the flag should come back.", "請選擇提醒要再出現的日期。";
    FlagResolveNeedsNote => "Say what was done before resolving.", "請先寫下處理方式再標記為已處理。";
    StaffNotes => "Notes (staff only)", "備註（僅計畫人員可見）";
    AccountRole => "Role", "身分";
    Accounts => "Accounts", "帳號";
    InvitePerson => "Invite someone", "邀請成員";
    FullName => "Full name", "姓名";
    RoleStudent => "Student", "學生";
    RoleMentor => "Mentor", "導師";
    RoleStaff => "Program staff", "計畫人員";
    CreateInvite => "Create invite", "建立邀請";
    InviteFieldsRequired => "Enter a name and an email address.", "請輸入姓名與電子郵件地址。";
    CohortRequired => "Enter the student's cohort year.", "請輸入學生的屆別年份。";
    InviteLink => "Invite link", "邀請連結";
    InviteExpires => "The invite works once, until", "此邀請僅能使用一次，有效至";
    Invited => "Invited", "已邀請";
    Deactivated => "Deactivated", "已停用";
    Deactivate => "Deactivate", "停用";
    Reactivate => "Reactivate", "重新啟用";
    NeedsConnection => "This needs a connection. Try again when you are online.", "此功能需要網路連線，請連線後再試。";
    Announcements => "Announcements", "公告";
    NewAnnouncement => "New announcement", "新增公告";
    AnnouncementTitle => "Title", "標題";
    AnnouncementBody => "Message", "內容";
    AnnouncementFor => "For", "對象";
    EveryoneInProgram => "Everyone in the program", "計畫全體成員";
    CohortStudents => "Students of cohort", "該屆學生：";
    Publish => "Publish", "發布";
    NoAnnouncements => "No announcements yet.", "目前沒有公告。";
    FromTheProgram => "From the program", "計畫公告";
    ConfirmDeleteAnnouncementTitle => "Delete this announcement?", "要刪除這則公告嗎？";
    ConfirmDeleteAnnouncementBody => "Nobody will see it any more, on any device, once it has synced.", "同步後，所有人的裝置上都將不再顯示這則公告。";
    StaffNotesOnStudent => "Staff notes", "工作人員備註";
    StaffNotesHelp => "Only staff see these notes; the student and mentors never do.", "只有計畫人員看得到這些備註，學生與導師都看不到。";
    NewStaffNote => "Add a note", "新增備註";
    StaffNoteText => "Note", "備註";
    NoStaffNotes => "No notes about this student yet.", "目前沒有關於這位學生的備註。";
    ConfirmDeleteNoteTitle => "Delete this note?", "要刪除這則備註嗎？";
    ConfirmDeleteNoteBody => "It goes for every staff member.", "所有計畫人員都將看不到這則備註。";
    TextRequired => "Write something first.", "請先輸入內容。";
    AnnouncementTitleRequired => "Give the announcement a title.", "請輸入公告標題。";
    StorageUnreadable => "Data stored on this device could not be read back. Sign out and in again to load it from the server.", "此裝置上儲存的資料無法讀取。請登出後再登入，從伺服器重新載入。";
    ChangeNumbersUsedUp => "This device has used up its change numbers. Sign out and in again to go on.", "此裝置的變更編號已用盡。請登出後再登入以繼續使用。";
    TechnicalDetails => "Technical details", "技術細節";
    ServerStorageBusy => "The server could not store this. Nothing was changed; try again.", "伺服器暫時無法儲存，未做任何變更，請再試一次。";
    EmailHasAccount => "That email address already has an account.", "此電子郵件地址已有帳號。";
    InviteRefused => "Check the name, email address and cohort year.", "請檢查姓名、電子郵件地址與屆別。";
    CannotDeactivateSelf => "You cannot deactivate your own account.", "您無法停用自己的帳號。";
    StaffOnly => "Only program staff can do this.", "只有計畫工作人員可以執行此操作。";
    ServerFailed => "Something went wrong on the server. Try again.", "伺服器發生錯誤，請再試一次。";
    TooManyRequests => "Too many requests at once. Wait a minute and try again.", "短時間內的請求過多，請稍候一分鐘再試。";
    SignOutFailed => "Signing out did not finish: this device's storage did not answer. Try again.", "登出未完成：此裝置的儲存空間沒有回應，請再試一次。";
}

/// A count with thousands grouped: "10,000" (both languages write it so).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "Loading your program… 3,200 / 10,000": a first sync that comes in pages.
pub fn loading_text(lang: Lang, received: u64, total: u64) -> String {
    let (received, total) = (grouped(received), grouped(total.max(received)));
    match lang {
        Lang::En => format!("Loading your program… {received} / {total}"),
        Lang::ZhTw => format!("正在載入計畫資料… {received} / {total}"),
    }
}

/// `n` changes waiting.
pub fn n_waiting(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En if n == 1 => "1 change waiting".to_owned(),
        Lang::En => format!("{n} changes waiting"),
        Lang::ZhTw => format!("{n} 項變更等待同步"),
    }
}

/// "in 12 days" / "3 days late".
pub fn days_left_text(lang: Lang, days: i64) -> String {
    match (lang, days) {
        (Lang::En, 0) => "today".to_owned(),
        (Lang::En, 1) => "in 1 day".to_owned(),
        (Lang::En, -1) => "1 day late".to_owned(),
        (Lang::En, days) if days > 0 => format!("in {days} days"),
        (Lang::En, days) => format!("{} days late", -days),
        (Lang::ZhTw, 0) => "今天到期".to_owned(),
        (Lang::ZhTw, days) if days > 0 => format!("剩 {days} 天"),
        (Lang::ZhTw, days) => format!("已逾期 {} 天", -days),
    }
}

/// "2 of 5 ranked".
pub fn n_of_m_ranked(lang: Lang, n: usize, m: u8) -> String {
    match lang {
        Lang::En => format!("{n} of {m} ranked"),
        Lang::ZhTw => format!("已選 {n} / {m} 個志願"),
    }
}

/// "Going 23 / 60": how many students say they come to a workshop, of its capacity (staff).
pub fn going_of_capacity(lang: Lang, going: u32, capacity: u32) -> String {
    format!("{} {going} / {capacity}", Msg::Going.text(lang))
}

/// "Seats left: 12" / "剩餘名額：12".
pub fn seats_left(lang: Lang, seats: u32) -> String {
    match lang {
        Lang::En => format!("{}: {seats}", Msg::SeatsLeft.text(lang)),
        Lang::ZhTw => format!("{}：{seats}", Msg::SeatsLeft.text(lang)),
    }
}

/// "2 of 3 workshops for the career-readiness certificate".
pub fn n_of_m_workshops(lang: Lang, n: usize, m: usize) -> String {
    match lang {
        Lang::En => format!("{n} of {m} workshops for the career-readiness certificate"),
        Lang::ZhTw => format!("職涯準備證書：已參加 {n} / {m} 場工作坊"),
    }
}

/// Why the matcher proposed a placement, in `lang`; or that staff swapped it with `swapped`.
pub fn explain(
    lang: Lang,
    explanation: &Option<imp_shared::matching::Explanation>,
    swapped: Option<&str>,
) -> String {
    use imp_shared::matching::{proposal_note_en, proposal_note_zh};
    match lang {
        Lang::En => proposal_note_en(explanation.as_ref(), swapped),
        Lang::ZhTw => proposal_note_zh(explanation.as_ref(), swapped),
    }
}

/// Why a student got no proposal, in `lang`.
pub fn unmatched_reason(lang: Lang, reason: imp_shared::matching::UnmatchedReason) -> String {
    match lang {
        Lang::En => reason.text_en(),
        Lang::ZhTw => reason.text_zh(),
    }
}

/// Data kept in both languages (a field and its `_zh` twin): the 繁體中文 text for its readers
/// when there is one, otherwise the English.
pub fn pick<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    match lang {
        Lang::ZhTw if !zh.trim().is_empty() => zh,
        _ => en,
    }
}

/// When the other side's feedback shows: once both have answered, or on `day` (the week after
/// the session), already formatted by [`format_date`].
pub fn feedback_shows_by(lang: Lang, day: &str) -> String {
    match lang {
        Lang::En => format!("Their feedback shows once you have both answered, or on {day}."),
        Lang::ZhTw => format!("雙方都填寫後，或於 {day}，才會顯示對方的回饋。"),
    }
}

/// "Showing 25 of 91", or with filters "Showing 3 of 12 matching · 91 in all".
pub fn showing(lang: Lang, shown: usize, matching: usize, all: usize) -> String {
    let n = |value: usize| grouped(u64::try_from(value).unwrap_or(u64::MAX));
    match (lang, matching == all) {
        (Lang::En, true) => format!("Showing {} of {}", n(shown), n(all)),
        (Lang::En, false) => format!(
            "Showing {} of {} matching · {} in all",
            n(shown),
            n(matching),
            n(all)
        ),
        (Lang::ZhTw, true) => format!("顯示 {} / {} 筆", n(shown), n(all)),
        (Lang::ZhTw, false) => format!(
            "顯示 {} / {} 筆符合條件 · 共 {} 筆",
            n(shown),
            n(matching),
            n(all)
        ),
    }
}

/// The room a mentor has left: "1 of 2 places free".
pub fn mentor_room(lang: Lang, free: u32, capacity: u32) -> String {
    match lang {
        Lang::En => format!("{free} of {capacity} places free"),
        Lang::ZhTw => format!("尚餘 {free}/{capacity} 個名額"),
    }
}

/// `n` changes refused.
pub fn n_rejected(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En if n == 1 => "1 change refused".to_owned(),
        Lang::En => format!("{n} changes refused"),
        Lang::ZhTw => format!("{n} 項變更被拒絕"),
    }
}

/// "Up to date · synced 14:05", on the clock of the zone whose offset at each instant is `zone`
/// (e.g. `zone::program_offset_at`).
pub fn synced_at(
    lang: Lang,
    at: DateTime<Utc>,
    zone: impl Fn(DateTime<Utc>) -> FixedOffset,
) -> String {
    let local = at.with_timezone(&zone(at));
    match lang {
        Lang::En => format!("Up to date · synced {}", clock(local)),
        Lang::ZhTw => format!("已同步 · {} 更新", clock(local)),
    }
}

/// "Last synced 14:05" / "Last synced Mon 3 Mar 2026 14:05" (another day), or "Not synced yet",
/// on the clock of the zone whose offset at each instant is `zone` (each instant at its own
/// offset, so a change of offset between the sync and now is right).
pub fn last_synced_text(
    lang: Lang,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    zone: impl Fn(DateTime<Utc>) -> FixedOffset,
) -> String {
    let Some(at) = at else {
        return Msg::NeverSynced.text(lang).to_owned();
    };
    let local = at.with_timezone(&zone(at));
    let when = if local.date_naive() == now.with_timezone(&zone(now)).date_naive() {
        clock(local)
    } else {
        format!("{} {}", format_date(lang, local.date_naive()), clock(local))
    };
    match lang {
        Lang::En => format!("last synced {when}"),
        Lang::ZhTw => format!("上次同步：{when}"),
    }
}

/// "Invitation for Lan Nguyen (lan@example.edu)": whom an invite code is for.
pub fn invite_for(lang: Lang, name: &str, email: &str) -> String {
    let words = Msg::InviteFor.text(lang);
    match lang {
        Lang::En => format!("{words} {name} ({email})"),
        Lang::ZhTw => format!("{words}：{name}（{email}）"),
    }
}

/// The role an invite is for, in words: "as a student" / "as a mentor" / "as program staff".
pub fn invite_role_msg(role: imp_shared::domain::Role) -> Msg {
    use imp_shared::domain::Role;
    match role {
        Role::Student => Msg::InviteAsStudent,
        Role::Mentor => Msg::InviteAsMentor,
        Role::Staff => Msg::InviteAsStaff,
    }
}

/// The new-password rule: "At least 10 characters" / "至少 10 個字元".
pub fn password_rule(lang: Lang, min_chars: u32) -> String {
    format!(
        "{} {min_chars} {}",
        Msg::PasswordRuleAtLeast.text(lang),
        Msg::PasswordRuleCharacters.text(lang)
    )
}

/// A placement state's label.
pub fn placement_msg(state: imp_shared::domain::PlacementState) -> Msg {
    use imp_shared::domain::PlacementState;
    match state {
        PlacementState::Proposed => Msg::PlacementProposed,
        PlacementState::Confirmed => Msg::PlacementConfirmed,
        PlacementState::Active => Msg::PlacementActive,
        PlacementState::Completed => Msg::PlacementCompleted,
        PlacementState::EndedEarly => Msg::PlacementEndedEarly,
        PlacementState::Withdrawn => Msg::PlacementWithdrawn,
    }
}

/// A match proposal's state as its label.
pub fn proposal_msg(state: imp_shared::domain::ProposalState) -> Msg {
    use imp_shared::domain::ProposalState;
    match state {
        ProposalState::Draft => Msg::ProposalDraft,
        ProposalState::Confirmed => Msg::ProposalConfirmed,
        ProposalState::Rejected => Msg::ProposalRejected,
    }
}

/// A time of day on the 24-hour clock, "14:05" (without chrono's formatter, which the main piece
/// would otherwise carry).
pub use imp_shared::reminder::clock;

/// A date as people write it in the language: "Mon 3 Mar 2026" / "2026年3月3日（週一）".
pub fn format_date(lang: Lang, date: NaiveDate) -> String {
    imp_shared::reminder::date_text(lang.is_zh(), date)
}

impl Msg {
    /// A role's name.
    pub fn role(role: imp_shared::domain::Role) -> Msg {
        use imp_shared::domain::Role;
        match role {
            Role::Student => Msg::RoleStudent,
            Role::Mentor => Msg::RoleMentor,
            Role::Staff => Msg::RoleStaff,
        }
    }
}

/// The language signal every component reads.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    /// The current language.
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// A message in the current language (reactive).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// A message as reactive text for a view. Every message gets the same closure type, so the
    /// code that renders and updates it exists once in the wasm instead of once per message.
    pub fn tr(&self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || msg.text(lang.get())
    }
}

/// The i18n handle from context.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or(I18n {
        lang: RwSignal::new(Lang::En),
    })
}

/// The language to start with: the remembered one, else the browser's, else English.
pub fn initial_lang() -> Lang {
    let stored = crate::storage::local::local_storage()
        .and_then(|storage| storage.get_item("imp-lang").ok().flatten())
        .and_then(|tag| Lang::from_tag(&tag));
    let browser = || {
        web_sys::window()
            .and_then(|window| window.navigator().language())
            .and_then(|tag| Lang::from_tag(&tag))
    };
    stored.or_else(browser).unwrap_or(Lang::En)
}

/// Switches language: remembers it and sets `<html lang>`.
pub fn set_lang(i18n: I18n, lang: Lang) {
    i18n.lang.set(lang);
    if let Some(storage) = crate::storage::local::local_storage() {
        let _ = storage.set_item("imp-lang", lang.tag());
    }
    if let Some(window) = web_sys::window() {
        if let Some(root) = window
            .document()
            .and_then(|document| document.document_element())
        {
            let _ = root.set_attribute("lang", lang.tag());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        use super::{grouped, loading_text, Lang};
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(3200), "3,200");
        assert_eq!(grouped(10_000), "10,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(
            loading_text(Lang::En, 3200, 10_000),
            "Loading your program… 3,200 / 10,000"
        );
    }

    use super::*;

    /// Words allowed to stay Latin in zh-TW text: names, acronyms and file types people know as
    /// such (the residence card is called "ARC" in Taiwan, TOCFL is the Mandarin test).
    const LATIN_ALLOWED: [&str; 10] = [
        "IMP", "ARC", "TOCFL", ".ics", "CSV", "QR code", "iPhone", "Google", "Outlook", "Apple",
    ];

    #[test]
    fn match_explanations_read_in_both_languages() {
        use imp_shared::matching::{BetterChoice, Explanation, MentorNote};
        let why = Some(Explanation {
            rank: 2,
            slot: 1,
            slots: 2,
            industry: "Semiconductors".to_owned(),
            interested_in_industry: true,
            position_languages_spoken: vec!["Mandarin".to_owned()],
            mentor: MentorNote::Assigned {
                shared_languages: vec!["Vietnamese".to_owned()],
                expert_in_industry: false,
            },
            better_choices: vec![BetterChoice {
                rank: 1,
                position_id: imp_shared::ids::RecordId::from("p-1"),
                places: 2,
                given_to: vec![
                    imp_shared::ids::UserId::from("s-2"),
                    imp_shared::ids::UserId::from("s-3"),
                ],
            }],
        });
        assert_eq!(
            explain(Lang::En, &why, None),
            "2nd choice; mentor speaks Vietnamese; the position has 2 places; interested in \
             Semiconductors; speaks Mandarin as the position asks; 1st choice's 2 places went to 2 \
             other students (placing the most students comes first)"
        );
        let zh = explain(Lang::ZhTw, &why, None);
        assert_eq!(
            zh,
            "第 2 志願；導師會說 Vietnamese；職缺共 2 個名額；對 Semiconductors 有興趣；會說職缺需要的 Mandarin；\
             第 1 志願的 2 個名額已給其他 2 位學生（以讓最多學生獲得配對為優先）"
        );
        // Only the data (language and industry names) stays Latin.
        let words = ["Vietnamese", "Semiconductors", "Mandarin"];
        let rest = words.iter().fold(zh, |text, word| text.replace(word, ""));
        assert!(!rest.chars().any(|c| c.is_ascii_alphabetic()), "{rest}");
        assert_eq!(
            explain(Lang::ZhTw, &why, Some("Lan")),
            "計畫人員已與 Lan 交換"
        );
    }

    #[test]
    fn no_english_left_in_traditional_chinese() {
        for msg in Msg::ALL {
            let mut text = msg.text(Lang::ZhTw).to_owned();
            for allowed in LATIN_ALLOWED {
                text = text.replace(allowed, "");
            }
            let latin_letters = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
            assert_eq!(
                latin_letters,
                0,
                "{msg:?} is not translated: {}",
                msg.text(Lang::ZhTw)
            );
            assert!(!msg.text(Lang::En).is_empty(), "{msg:?} has no English");
        }
    }

    #[test]
    fn invites_are_worded_in_both_languages() {
        assert_eq!(
            invite_for(Lang::En, "Lan Nguyen", "lan@example.edu"),
            "Invitation for Lan Nguyen (lan@example.edu)"
        );
        assert_eq!(
            invite_for(Lang::ZhTw, "Lan Nguyen", "lan@example.edu"),
            "邀請對象：Lan Nguyen（lan@example.edu）"
        );
        assert_eq!(password_rule(Lang::En, 10), "At least 10 characters");
        assert_eq!(password_rule(Lang::ZhTw, 10), "至少 10 個字元");
        assert_eq!(
            invite_role_msg(imp_shared::domain::Role::Staff).text(Lang::En),
            "as program staff"
        );
    }

    #[test]
    fn languages_parse_from_browser_tags() {
        let table = [
            ("zh-TW", Some(Lang::ZhTw)),
            ("zh-Hant-TW", Some(Lang::ZhTw)),
            ("en-GB", Some(Lang::En)),
            ("vi", None),
        ];
        for (tag, expected) in table {
            assert_eq!(Lang::from_tag(tag), expected, "{tag}");
        }
    }

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        assert_eq!(format_date(Lang::En, date), "Mon 2 Mar 2026");
        assert_eq!(format_date(Lang::ZhTw, date), "2026年3月2日（週一）");
        // September is "Sep" (the host's locale data may say "Sept"; the app never asks it).
        let september = NaiveDate::from_ymd_opt(2027, 9, 1).unwrap_or_default();
        assert_eq!(format_date(Lang::En, september), "Wed 1 Sep 2027");
        // Every weekday and month name, and a day of two digits.
        let sunday = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap_or_default();
        assert_eq!(format_date(Lang::En, sunday), "Sun 31 Dec 2028");
        let names: Vec<String> = (1..=12)
            .filter_map(|month| NaiveDate::from_ymd_opt(2026, month, 1))
            .map(|date| format_date(Lang::En, date))
            .collect();
        let expected = [
            "Thu 1 Jan 2026",
            "Sun 1 Feb 2026",
            "Sun 1 Mar 2026",
            "Wed 1 Apr 2026",
            "Fri 1 May 2026",
            "Mon 1 Jun 2026",
            "Wed 1 Jul 2026",
            "Sat 1 Aug 2026",
            "Tue 1 Sep 2026",
            "Thu 1 Oct 2026",
            "Sun 1 Nov 2026",
            "Tue 1 Dec 2026",
        ];
        assert_eq!(names, expected);
    }

    #[test]
    fn times_of_day_have_two_digits_each() {
        let time = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(clock(time(9, 5)), "09:05");
        assert_eq!(clock(time(23, 59)), "23:59");
        assert_eq!(clock(time(0, 0)), "00:00");
    }

    #[test]
    fn last_sync_is_said_with_the_day_when_it_was_not_today() {
        use chrono::TimeZone;
        let zone = crate::zone::program_offset_at;
        let at = Utc
            .with_ymd_and_hms(2026, 9, 1, 6, 5, 0)
            .single()
            .unwrap_or_default();
        let same_day = at + chrono::Duration::hours(3);
        let next_day = at + chrono::Duration::days(1);
        assert_eq!(
            last_synced_text(Lang::En, Some(at), same_day, zone),
            "last synced 14:05"
        );
        assert_eq!(
            last_synced_text(Lang::En, Some(at), next_day, zone),
            "last synced Tue 1 Sep 2026 14:05"
        );
        assert_eq!(
            last_synced_text(Lang::ZhTw, Some(at), same_day, zone),
            "上次同步：14:05"
        );
        assert_eq!(
            last_synced_text(Lang::En, None, same_day, zone),
            Msg::NeverSynced.text(Lang::En)
        );
    }
}
