//! `MutationError`: why `apply` refused a mutation. Its `code` travels in rejected verdicts.

use crate::domain::RecordKind;

/// Why a mutation was refused. Refusing changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MutationError {
    /// A field failed validation.
    #[error("{field} {message}")]
    Invalid {
        /// The field's wire name.
        field: String,
        /// What is wrong with it, as a sentence fragment ("is required").
        message: String,
    },
    /// The record the mutation names does not exist (or was deleted).
    #[error("no {} with id {id}", kind.as_str())]
    NotFound {
        /// Its kind.
        kind: RecordKind,
        /// Its id.
        id: String,
    },
    /// A record with that id already exists.
    #[error("a {} with id {id} already exists", kind.as_str())]
    AlreadyExists {
        /// Its kind.
        kind: RecordKind,
        /// Its id.
        id: String,
    },
    /// The actor's role may not do this here.
    #[error("{0}")]
    Forbidden(String),
    /// The state machine does not allow this step.
    #[error("cannot go from {from} to {to}")]
    IllegalTransition {
        /// The current state.
        from: String,
        /// The requested state.
        to: String,
    },
    /// A rule of the program forbids it now (deadline passed, too many choices…).
    #[error("{0}")]
    Rule(String),
}

impl MutationError {
    /// A validation failure of one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The stable machine-readable code for verdicts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid",
            Self::NotFound { .. } => "not_found",
            Self::AlreadyExists { .. } => "already_exists",
            Self::Forbidden(_) => "forbidden",
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::Rule(_) => "rule",
        }
    }
}
