//! Staff's editor of the evaluation templates (`/evaluation-templates`).
//!
//! Every kind of evaluation and outcome survey (`EvaluationKind::ALL`) is shown with its current
//! template: its title in the reader's language, its version, who answers it and its questions.
//! A template version is never changed: "Edit as a new version" opens a form prefilled from the
//! current version, and saving creates the next version as a new record
//! (`evaluation::template_id`) in the program space, so answers already given keep the questions
//! they answered. Like every write it is stored on this device at once and syncs when online; the
//! form keeps what was typed until the write is accepted, and says why when it is refused.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{Entity, EvaluationTemplate, RecordKind, Role};
use imp_shared::evaluation::{
    current_template, template_id, AnswerKind, EvaluationKind, Question, MAX_QUESTIONS,
};
use imp_shared::ids::{RecordId, SpaceId, MAX_ID_LEN};
use imp_shared::mutation::Mutation;

use crate::components::form::{Field, Select};
use crate::components::write;
use crate::i18n::{pick, use_i18n, Lang, Msg};
use crate::sync::hooks::{program_space, use_typed, use_write, WriteErrorLine};

/// The ways to answer a question: their names in the form and their labels.
const ANSWERS: [(AnswerKind, &str, Msg); 4] = [
    (AnswerKind::Scale, "scale", Msg::TplAnswerScale),
    (AnswerKind::YesNo, "yes_no", Msg::TplAnswerYesNo),
    (AnswerKind::Text, "text", Msg::TplAnswerText),
    (AnswerKind::VisaRoute, "visa_route", Msg::TplAnswerVisaRoute),
];

/// The longest title or question text.
const MAX_LINE: u32 = imp_shared::domain::MAX_LINE as u32;
/// The longest question id.
const MAX_ID: u32 = MAX_ID_LEN as u32;

fn answer_name(answer: AnswerKind) -> &'static str {
    ANSWERS
        .iter()
        .find(|(known, _, _)| *known == answer)
        .map_or("text", |(_, name, _)| name)
}

fn answer_named(name: &str) -> AnswerKind {
    ANSWERS
        .iter()
        .find(|(_, known, _)| *known == name)
        .map_or(AnswerKind::Text, |(answer, _, _)| *answer)
}

fn answer_msg(answer: AnswerKind) -> Msg {
    ANSWERS
        .iter()
        .find(|(known, _, _)| *known == answer)
        .map_or(Msg::TplAnswerText, |(_, _, msg)| *msg)
}

/// "Answered by the mentor" or "… the student".
fn answered_by_msg(kind: EvaluationKind) -> Msg {
    match kind.answered_by() {
        Role::Mentor => Msg::TplAnsweredByMentor,
        _ => Msg::TplAnsweredByStudent,
    }
}

/// "Version 3".
fn version_text(lang: Lang, version: u32) -> String {
    format!("{} {version}", Msg::TplVersion.text(lang))
}

/// One question of the form as text, the way the fields hold it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct QuestionText {
    id: String,
    text: String,
    text_zh: String,
    answer: String,
    required: bool,
}

impl QuestionText {
    fn of(question: &Question) -> Self {
        Self {
            id: question.id.clone(),
            text: question.text.clone(),
            text_zh: question.text_zh.clone(),
            answer: answer_name(question.answer).to_owned(),
            required: question.required,
        }
    }

    fn question(&self) -> Question {
        Question {
            id: self.id.trim().to_owned(),
            text: self.text.trim().to_owned(),
            text_zh: self.text_zh.trim().to_owned(),
            answer: answer_named(&self.answer),
            required: self.required,
        }
    }
}

/// The template as edited, as `version` of `kind`. The shared rules check it when it is written.
fn edited_template(
    kind: EvaluationKind,
    version: u32,
    title: &str,
    title_zh: &str,
    questions: &[QuestionText],
) -> EvaluationTemplate {
    EvaluationTemplate {
        kind,
        version,
        title: title.trim().to_owned(),
        title_zh: title_zh.trim().to_owned(),
        questions: questions.iter().map(QuestionText::question).collect(),
    }
}

/// A new question's id: `q<n>`, the first not already used.
fn new_question_id(used: &[String]) -> String {
    let mut n = used.len() + 1;
    loop {
        let id = format!("q{n}");
        if !used.iter().any(|known| known.trim() == id) {
            return id;
        }
        n += 1;
    }
}

/// One question's fields, each a signal holding its text.
#[derive(Clone, Copy)]
struct QuestionForm {
    id: RwSignal<String>,
    text: RwSignal<String>,
    text_zh: RwSignal<String>,
    answer: RwSignal<String>,
    required: RwSignal<bool>,
}

impl QuestionForm {
    fn new(text: QuestionText) -> Self {
        Self {
            id: RwSignal::new(text.id),
            text: RwSignal::new(text.text),
            text_zh: RwSignal::new(text.text_zh),
            answer: RwSignal::new(text.answer),
            required: RwSignal::new(text.required),
        }
    }

    fn text(&self) -> QuestionText {
        QuestionText {
            id: self.id.get_untracked(),
            text: self.text.get_untracked(),
            text_zh: self.text_zh.get_untracked(),
            answer: self.answer.get_untracked(),
            required: self.required.get_untracked(),
        }
    }
}

/// The evaluation templates editor (staff).
#[component]
pub fn EvaluationTemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let stored = use_typed::<EvaluationTemplate>(program_space());
    let editing = RwSignal::new(None::<EvaluationKind>);
    let cards = EvaluationKind::ALL
        .into_iter()
        .map(|kind| view! { <TemplateCard kind=kind stored=stored editing=editing /> })
        .collect_view();
    view! {
        <h1>{i18n.tr(Msg::TplHeading)}</h1>
        <A href="/program" attr:class="card-link" attr:data-testid="back-to-program">{i18n.tr(Msg::ProgramData)}</A>
        <p class="muted" data-testid="templates-help">{i18n.tr(Msg::TplHelp)}</p>
        {cards}
    }
}

/// One kind's current template, and its editor when open.
#[component]
fn TemplateCard(
    kind: EvaluationKind,
    stored: Memo<Vec<(RecordId, EvaluationTemplate)>>,
    editing: RwSignal<Option<EvaluationKind>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = Memo::new(move |_| stored.with(|list| current_template(list, kind).1));
    let open = Memo::new(move |_| editing.get() == Some(kind));
    let close = Callback::new(move |()| editing.set(None));
    let title = move || {
        let lang = i18n.lang.get();
        current.with(|template| pick(lang, &template.title, &template.title_zh).to_owned())
    };
    let meta = move || {
        let lang = i18n.lang.get();
        let version = current.with(|template| template.version);
        format!(
            "{} · {}",
            version_text(lang, version),
            answered_by_msg(kind).text(lang)
        )
    };
    let questions = move || {
        let lang = i18n.lang.get();
        current
            .get()
            .questions
            .into_iter()
            .map(|question| question_item(lang, question))
            .collect_view()
    };
    let name = kind.name();
    view! {
        <section class="card" data-testid=format!("template-{name}") data-kind=name
            data-version=move || current.with(|template| template.version.to_string())>
            <h2 class="card-title" data-testid="template-name">{title}</h2>
            <p class="item-meta" data-testid="template-version">{meta}</p>
            <ol class="template-questions" data-testid="template-questions">{questions}</ol>
            <Show when=move || !open.get()>
                <button class="button button-small" type="button" data-testid=format!("template-edit-{name}")
                    data-local="open-editor" on:click=move |_| editing.set(Some(kind))>
                    {i18n.tr(Msg::TplEditNewVersion)}
                </button>
            </Show>
            <Show when=move || open.get()>
                {move || view! {
                    <TemplateEditor kind=kind base=current.get_untracked() current=current close=close />
                }}
            </Show>
        </section>
    }
}

/// One question as the card lists it: its text, how it is answered, whether it is required.
fn question_item(lang: Lang, question: Question) -> impl IntoView {
    let text = pick(lang, &question.text, &question.text_zh).to_owned();
    let id = question.id;
    let shown_id = id.clone();
    let mut meta = answer_msg(question.answer).text(lang).to_owned();
    if question.required {
        meta = format!("{meta} · {}", Msg::TplRequired.text(lang));
    }
    view! {
        <li data-testid="template-question" data-question=id>
            <span class="item-title">{text}</span>" "
            <span class="item-meta">{meta}" · "<code>{shown_id}</code></span>
        </li>
    }
}

/// The form that writes the next version of `kind`, prefilled from `base`.
#[component]
fn TemplateEditor(
    kind: EvaluationKind,
    base: EvaluationTemplate,
    current: Memo<EvaluationTemplate>,
    close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    // Questions added later are owned by the editor, like the ones it starts with.
    let owner = Owner::current();
    let title = RwSignal::new(base.title.clone());
    let title_zh = RwSignal::new(base.title_zh.clone());
    let questions = RwSignal::new(
        base.questions
            .iter()
            .map(|question| QuestionForm::new(QuestionText::of(question)))
            .collect::<Vec<_>>(),
    );
    // The version the save makes follows the one now in force (this device's saves included).
    let next_version =
        Memo::new(move |_| current.with(|template| template.version).saturating_add(1));
    let count = Memo::new(move |_| questions.with(Vec::len));
    let save = move |event: SubmitEvent| {
        event.prevent_default();
        let texts: Vec<QuestionText> =
            questions.with_untracked(|list| list.iter().map(QuestionForm::text).collect());
        let version = next_version.get_untracked();
        let template = edited_template(
            kind,
            version,
            &title.get_untracked(),
            &title_zh.get_untracked(),
            &texts,
        );
        write.clear();
        let mutation = Mutation::Create {
            id: template_id(kind, version),
            record: Entity::EvaluationTemplate(template),
        };
        write.run(SpaceId::Program, mutation, move || close.run(()));
    };
    let add = move |_| {
        let used: Vec<String> = questions.with_untracked(|list| {
            list.iter()
                .map(|question| question.id.get_untracked())
                .collect()
        });
        let text = QuestionText {
            id: new_question_id(&used),
            answer: answer_name(AnswerKind::Text).to_owned(),
            ..QuestionText::default()
        };
        let form = match &owner {
            Some(owner) => owner.with(|| QuestionForm::new(text)),
            None => QuestionForm::new(text),
        };
        questions.update(|list| list.push(form));
    };
    let remove = Callback::new(move |index: usize| {
        questions.update(|list| {
            if index < list.len() {
                list.remove(index);
            }
        });
    });
    let cancel = move |_| {
        write.clear();
        close.run(());
    };
    let writes = write::creates(Some(&SpaceId::Program), RecordKind::EvaluationTemplate);
    let save_text = move || format!("{} {}", i18n.t(Msg::TplSave), next_version.get());
    let rows = move || {
        let only_one = count.get() <= 1;
        questions
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, question)| {
                view! { <QuestionFields index=index question=question only_one=only_one remove=remove /> }
            })
            .collect_view()
    };
    let full = move || count.get() >= MAX_QUESTIONS;
    view! {
        <form class="form route-editor grow-full" novalidate=true data-testid="template-form" data-kind=kind.name()
            data-write=writes on:submit=save>
            <div class="route-pair">
                <Field id="template-title" label=Msg::TplTitleEn value=title lang="en" maxlength=MAX_LINE />
                <Field id="template-title-zh" label=Msg::TplTitleZh value=title_zh lang="zh-TW"
                    maxlength=MAX_LINE />
            </div>
            {kind.is_outcome().then(|| view! {
                <p class="muted" data-testid="template-outcome-note">{i18n.tr(Msg::TplOutcomeKeep)}</p>
            })}
            {rows}
            <button class="button button-small" type="button" data-testid="template-add-question"
                data-local="add-question" prop:disabled=full on:click=add>
                {i18n.tr(Msg::TplAddQuestion)}
            </button>
            <div class="form-inline">
                <button class="button button-primary" type="submit" data-testid="template-save"
                    prop:disabled=move || write.pending.get()>
                    {save_text}
                </button>
                <button class="button" type="button" data-testid="template-cancel" data-local="close-editor"
                    on:click=cancel>
                    {i18n.tr(Msg::Cancel)}
                </button>
            </div>
        </form>
        <WriteErrorLine write=write />
    }
}

/// The fields of one question.
#[component]
fn QuestionFields(
    index: usize,
    question: QuestionForm,
    only_one: bool,
    remove: Callback<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = |field: &str| format!("question-{index}-{field}");
    let first_answer = question.answer.get_untracked();
    let options = ANSWERS
        .into_iter()
        .map(|(_, name, label)| {
            view! { <option value=name selected=name == first_answer>{i18n.tr(label)}</option> }
        })
        .collect_view();
    let required = question.required;
    let legend = move || format!("{} {}", i18n.t(Msg::TplQuestion), index + 1);
    view! {
        <fieldset class="route-step" data-testid="template-question-form" data-index=index.to_string()>
            <legend>{legend}</legend>
            <div class="form-inline">
                <Field id=id("id") label=Msg::TplQuestionId value=question.id maxlength=MAX_ID />
                <Select id=id("answer") label=Msg::TplAnswerKind value=question.answer>{options}</Select>
                <label class="check">
                    <input type="checkbox" data-testid=id("required") prop:checked=move || required.get()
                        on:change=move |event| required.set(event_target_checked(&event)) />
                    {i18n.tr(Msg::TplRequired)}
                </label>
            </div>
            <div class="route-pair">
                <Field id=id("text") label=Msg::TplQuestionText value=question.text lang="en"
                    maxlength=MAX_LINE />
                <Field id=id("text-zh") label=Msg::TplQuestionTextZh value=question.text_zh lang="zh-TW"
                    maxlength=MAX_LINE />
            </div>
            <button class="button button-small" type="button" data-testid=id("remove")
                data-local="remove-question" disabled=only_one on:click=move |_| remove.run(index)>
                {i18n.tr(Msg::TplRemoveQuestion)}
            </button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imp_shared::evaluation::{built_in, validate_template};

    #[test]
    fn an_untouched_form_gives_back_the_template_as_the_next_version() {
        for kind in EvaluationKind::ALL {
            let base = built_in(kind);
            let texts: Vec<QuestionText> = base.questions.iter().map(QuestionText::of).collect();
            let edited = edited_template(kind, 2, &base.title, &base.title_zh, &texts);
            assert_eq!(
                edited,
                EvaluationTemplate {
                    version: 2,
                    ..base.clone()
                },
                "{}",
                kind.name()
            );
            assert!(validate_template(&edited).is_ok(), "{}", kind.name());
        }
    }

    #[test]
    fn every_answer_kind_reads_back_from_its_name() {
        for (answer, name, _) in ANSWERS {
            assert_eq!(answer_named(answer_name(answer)), answer);
            assert_eq!(answer_name(answer), name);
        }
    }

    #[test]
    fn a_new_question_gets_an_unused_id() {
        assert_eq!(new_question_id(&[]), "q1");
        let used = ["goals".to_owned(), "q2".to_owned()];
        assert_eq!(new_question_id(&used), "q3");
        let used = ["q3".to_owned(), "q4".to_owned()];
        assert_eq!(new_question_id(&used), "q5");
    }
}
