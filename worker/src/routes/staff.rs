//! The staff endpoints: inviting people (with a student's profile and enrolment, or a mentor's
//! program profile), the account list, allowing or stopping sign-ins, rebuilding the summaries.
//! Each goes through [`require_staff`] first.

use chrono::{Duration, Utc};
use worker::{Env, Request, Response};

use imp_shared::domain::Role;
use imp_shared::ids::{ClientId, SpaceId, UserId};
use imp_shared::protocol::{
    AccountInfo, InviteRequest, InviteResponse, SetActiveRequest, UserInfo,
};

use super::{normalize_email, require_staff, signed_in};
use crate::auth;
use crate::config::test_hooks;
use crate::directory::{Account, INVITE_DAYS};
use crate::error::ApiError;
use crate::http::{json_response, read_json};
use crate::space_client::{push_trusted, write_summary, SpaceClient};

/// `POST /api/v1/invites` (staff): a new account and its invite code.
pub(super) async fn invite(mut request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    require_staff(&account, "only program staff invite people")?;
    let body: InviteRequest = read_json(&mut request).await?;
    if let Some(year) = body.cohort_year {
        if !imp_shared::domain::YEARS.contains(&year) {
            return Err(ApiError::BadRequest(format!(
                "cohort year {year} is out of range"
            )));
        }
    }
    let email = normalize_email(&body.email)?;
    let display_name = body.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(ApiError::BadRequest(
            "the display name must have 1 to 200 characters".to_owned(),
        ));
    }
    if display_name
        .chars()
        .any(|c| c.is_control() || imp_shared::domain::is_invisible_formatting(c))
    {
        return Err(ApiError::BadRequest(
            "the display name contains invisible control or formatting characters".to_owned(),
        ));
    }
    let now = Utc::now();
    let user_id = format!("u-{}", auth::random_hex(8)?);
    directory
        .create_account(&user_id, &email, display_name, body.role, None, now)
        .await?;
    let code = auth::random_hex(16)?;
    let expires_at = now + Duration::days(INVITE_DAYS);
    directory.create_invite(&user_id, &code, expires_at).await?;
    if let (Role::Student, Some(cohort_year)) = (body.role, body.cohort_year) {
        enrol(
            env,
            &account,
            &UserId(user_id.clone()),
            display_name,
            cohort_year,
        )
        .await?;
    }
    if let (Role::Mentor, Some(organization_id)) = (body.role, &body.organization_id) {
        add_mentor_profile(
            env,
            &account,
            &UserId(user_id.clone()),
            display_name,
            &email,
            organization_id,
        )
        .await?;
    }
    Ok(json_response(
        &InviteResponse {
            user_id: UserId(user_id),
            code,
            expires_at,
        },
        201,
    ))
}

/// Starts a newly invited student's records: their profile (in their space) and their enrolment
/// (in the staff space), written by the inviting staff member through the normal push path.
async fn enrol(
    env: &Env,
    staff: &Account,
    student: &UserId,
    display_name: &str,
    cohort_year: i32,
) -> Result<(), ApiError> {
    use imp_shared::domain::{Enrollment, Entity, StudentProfile};
    use imp_shared::ids::RecordId;
    use imp_shared::mutation::Mutation;
    let actor = staff.actor()?;
    let client_id = ClientId(format!("invite-{student}"));
    let profile = Mutation::Create {
        id: RecordId(student.to_string()),
        record: Entity::StudentProfile(StudentProfile {
            display_name: display_name.to_owned(),
            nationality: String::new(),
            university: String::new(),
            department: String::new(),
            degree: String::new(),
            graduation_date: None,
            languages: Vec::new(),
            mandarin_level: None,
            residence_card_expiry: None,
            interests: Vec::new(),
            cohort_year,
            degree_level: None,
            hong_kong_macau: false,
            placement_start: None,
            placement_end: None,
        }),
    };
    let enrolment = Mutation::Create {
        id: RecordId(format!("enrollment-{student}")),
        record: Entity::Enrollment(Enrollment {
            student_id: student.clone(),
            display_name: display_name.to_owned(),
            cohort_year,
        }),
    };
    for (space, mutation) in [
        (SpaceId::Student(student.clone()), profile),
        (SpaceId::Staff, enrolment),
    ] {
        push_trusted(env, &actor, &space, client_id.clone(), vec![mutation]).await?;
    }
    Ok(())
}

/// Starts a newly invited mentor's program profile at their organization, written by the
/// inviting staff member through the normal push path; staff complete it on the Program screen.
async fn add_mentor_profile(
    env: &Env,
    staff: &Account,
    mentor: &UserId,
    display_name: &str,
    email: &str,
    organization_id: &imp_shared::ids::RecordId,
) -> Result<(), ApiError> {
    use imp_shared::domain::{Entity, MentorProfile};
    use imp_shared::ids::RecordId;
    use imp_shared::mutation::Mutation;
    let profile = Mutation::Create {
        id: RecordId(format!("mentor-{mentor}")),
        record: Entity::MentorProfile(MentorProfile {
            user_id: mentor.clone(),
            display_name: display_name.to_owned(),
            organization_id: organization_id.clone(),
            expertise: Vec::new(),
            languages: Vec::new(),
            capacity: 2,
            contact_email: Some(email.to_owned()),
            cohort_years: Vec::new(),
        }),
    };
    let client_id = ClientId(format!("invite-{mentor}"));
    let reply = push_trusted(
        env,
        &staff.actor()?,
        &SpaceId::Program,
        client_id,
        vec![profile],
    )
    .await?;
    match reply.response.verdicts.first().map(|v| &v.verdict) {
        Some(imp_shared::protocol::Verdict::Rejected { message, .. }) => Err(ApiError::BadRequest(
            format!("the mentor's profile was not created: {message}"),
        )),
        _ => Ok(()),
    }
}

/// `GET /api/v1/accounts` (staff): everyone in the directory.
pub(super) async fn accounts(request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    require_staff(&account, "only staff list accounts")?;
    let mut list = Vec::new();
    for account in directory.list_accounts().await? {
        list.push(AccountInfo {
            user: UserInfo {
                id: UserId(account.id.clone()),
                email: account.email.clone(),
                display_name: account.display_name.clone(),
                role: account.role()?,
            },
            active: account.active == 1,
            invited: account.password_hash.is_none(),
        });
    }
    Ok(json_response(&list, 200))
}

/// `POST /api/v1/accounts/{id}/active` (staff): allow or stop an account's sign-ins.
pub(super) async fn set_active(
    mut request: Request,
    env: &Env,
    id: &str,
) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    require_staff(&account, "only staff change who may sign in")?;
    let body: SetActiveRequest = read_json(&mut request).await?;
    if id == account.id && !body.active {
        return Err(ApiError::BadRequest(
            "you cannot deactivate your own account".to_owned(),
        ));
    }
    if directory.account_by_id(id).await?.is_none() {
        return Err(ApiError::NotFound(format!("no account {id}")));
    }
    // With the test hooks, `x-imp-test-other-isolate` makes this isolate behave as if another
    // one had handled the deactivation: its cached sessions are not forgotten here.
    let other_isolate = test_hooks(env)
        && request
            .headers()
            .get("x-imp-test-other-isolate")
            .ok()
            .flatten()
            .is_some();
    directory
        .set_active(id, body.active, !other_isolate)
        .await?;
    Ok(json_response(
        &serde_json::json!({ "id": id, "active": body.active }),
        200,
    ))
}

/// `POST /api/v1/admin/summaries`: rebuilds every student's summary in the staff space (staff
/// only), for after a failed summary write or a change to what summaries hold.
pub(super) async fn rebuild_summaries(request: Request, env: &Env) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    require_staff(&account, "only staff rebuild summaries")?;
    let students = directory.student_ids().await?;
    let mut written = 0;
    for student in students {
        let space = SpaceId::Student(student);
        let summary = SpaceClient::new(env, space.clone()).summary().await?;
        if let Some(summary) = summary {
            write_summary(env, &space, summary).await?;
            written += 1;
        }
    }
    // Every workshop's going-count again, from the summaries as now rebuilt (a workshop nobody
    // goes to counts 0).
    let _counted = SpaceClient::staff(env).recount_going().await?;
    Ok(json_response(
        &serde_json::json!({ "summaries": written }),
        200,
    ))
}
