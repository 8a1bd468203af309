//! What a write control writes, said on the control itself (`data-write`), so an end-to-end check
//! can hold every visible control against the permission rules the server enforces.
//!
//! Every control on a screen either writes (it, or the form around it, carries `data-write`) or
//! only changes what the screen shows (`data-local`: filters, search, paging, opening a form).
//! A control that makes several writes lists them with `;` between; one that calls a staff-only
//! endpoint rather than writing a record says `api <endpoint>`.

use imp_shared::domain::RecordKind;
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::WriteOp;

/// One write a control makes: `<space> <kind> <create|change|delete> [<id>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteTag {
    /// The space written.
    pub space: SpaceId,
    /// The kind of record.
    pub kind: RecordKind,
    /// Create, change or delete.
    pub op: WriteOp,
    /// The record changed or deleted (none for a create).
    pub id: Option<RecordId>,
}

fn op_name(op: WriteOp) -> &'static str {
    match op {
        WriteOp::Create => "create",
        WriteOp::Change => "change",
        WriteOp::Delete => "delete",
    }
}

impl WriteTag {
    /// The `data-write` text.
    pub fn text(&self) -> String {
        let base = format!("{} {} {}", self.space, self.kind.as_str(), op_name(self.op));
        match &self.id {
            Some(id) => format!("{base} {id}"),
            None => base,
        }
    }

    /// Reads a `data-write` text back.
    pub fn parse(text: &str) -> Option<Self> {
        let mut words = text.split_whitespace();
        let space = SpaceId::parse(words.next()?).ok()?;
        let kind = RecordKind::parse(words.next()?)?;
        let op = match words.next()? {
            "create" => WriteOp::Create,
            "change" => WriteOp::Change,
            "delete" => WriteOp::Delete,
            _ => return None,
        };
        let id = words.next().map(|id| RecordId(id.to_owned()));
        words.next().is_none().then_some(Self {
            space,
            kind,
            op,
            id,
        })
    }
}

/// The `data-write` of a control that sends `mutation` (again) into `space`.
pub fn of_mutation(space: &SpaceId, mutation: &Mutation) -> String {
    let (kind, id) = mutation.target();
    match mutation {
        Mutation::Create { .. } => creates(Some(space), kind),
        Mutation::Delete { .. } => deletes(Some(space), kind, id),
        _ => changes(Some(space), kind, id),
    }
}

/// The `data-write` of a control that makes several writes (`;` between them).
pub fn all(tags: &[String]) -> String {
    tags.join("; ")
}

/// The `data-write` of a control that creates a record of `kind` in `space`.
pub fn creates(space: Option<&SpaceId>, kind: RecordKind) -> String {
    tag(space, kind, WriteOp::Create, None)
}

/// The `data-write` of a control that changes record `id`.
pub fn changes(space: Option<&SpaceId>, kind: RecordKind, id: &RecordId) -> String {
    tag(space, kind, WriteOp::Change, Some(id))
}

/// The `data-write` of a control that deletes record `id`.
pub fn deletes(space: Option<&SpaceId>, kind: RecordKind, id: &RecordId) -> String {
    tag(space, kind, WriteOp::Delete, Some(id))
}

fn tag(space: Option<&SpaceId>, kind: RecordKind, op: WriteOp, id: Option<&RecordId>) -> String {
    match space {
        Some(space) => WriteTag {
            space: space.clone(),
            kind,
            op,
            id: id.cloned(),
        }
        .text(),
        // No space chosen yet: nothing can be written (the check reads this as unreadable).
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imp_shared::ids::UserId;

    #[test]
    fn a_tag_reads_back_as_written() {
        let tag = WriteTag {
            space: SpaceId::Student(UserId::from("u-1")),
            kind: RecordKind::Task,
            op: WriteOp::Delete,
            id: Some(RecordId("task-1".to_owned())),
        };
        assert_eq!(tag.text(), "student:u-1 task delete task-1");
        assert_eq!(WriteTag::parse(&tag.text()), Some(tag));
        assert_eq!(
            WriteTag::parse("program workshop create").map(|t| t.op),
            Some(WriteOp::Create)
        );
        assert_eq!(WriteTag::parse("program workshop rename"), None);
        assert_eq!(WriteTag::parse("nowhere task create"), None);
        assert_eq!(WriteTag::parse("staff task create a b"), None);
    }
}
