//! The locale catalogue: every string a person sees, Japanese first, English second. The chosen
//! language persists in `localStorage`.

use leptos::prelude::*;

/// A display language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// 日本語 (default).
    Ja,
    /// English.
    En,
}

const STORAGE_KEY: &str = "nintei.lang";

/// (key, 日本語, English)
static CATALOG: &[(&str, &str, &str)] = &[
    ("app.name", "認定", "Nintei"),
    (
        "app.tagline",
        "日本医師会 認定産業医・認定健康スポーツ医",
        "JMA certified occupational and health sports physicians",
    ),
    ("lang.switch", "English", "日本語"),
    ("nav.mypage", "マイページ", "My Page"),
    ("nav.admin", "アカウント管理", "Accounts"),
    ("nav.login", "ログイン", "Log in"),
    ("nav.register", "マイページ登録", "Register"),
    ("nav.logout", "ログアウト", "Log out"),
    ("nav.home", "ホーム", "Home"),
    ("common.loading", "読み込み中…", "Loading…"),
    ("common.cancel", "やめる", "Cancel"),
    (
        "common.error",
        "読み込めませんでした。通信状態を確認して再読み込みしてください",
        "Could not load. Check your connection and reload",
    ),
    ("common.units", "単位", "units"),
    ("common.days", "日", "days"),
    (
        "home.lead",
        "研修の単位、認定証の有効期限、申請までをスマートフォンひとつで。",
        "Your training units, certificate expiry and applications, all on your phone.",
    ),
    (
        "home.physician",
        "医師の方はマイページ登録またはログインしてください。",
        "Physicians: register your My Page or log in.",
    ),
    ("home.welcome", "ようこそ、{name}さん", "Welcome, {name}"),
    (
        "home.role.organizer",
        "研修会主催者としてログインしています（{body}）。",
        "You are logged in as an organizer ({body}).",
    ),
    (
        "home.role.prefectural_staff",
        "都道府県医師会の職員としてログインしています（{pref}）。",
        "You are logged in as prefectural staff ({pref}).",
    ),
    (
        "home.role.jma_staff",
        "日本医師会の職員としてログインしています。",
        "You are logged in as JMA staff.",
    ),
    (
        "home.role.admin",
        "管理者としてログインしています。",
        "You are logged in as an administrator.",
    ),
    ("login.title", "ログイン", "Log in"),
    ("login.email", "メールアドレス", "E-mail address"),
    ("login.password", "パスワード", "Password"),
    ("login.submit", "ログイン", "Log in"),
    (
        "login.no_account",
        "マイページをお持ちでない方",
        "No My Page yet?",
    ),
    ("register.title", "マイページ登録", "Register your My Page"),
    (
        "register.lead",
        "医籍登録番号ごとに1つのマイページを作成できます。登録前に受講した研修会の単位も自動で反映されます。",
        "One My Page per medical registry number. Units from sessions attended before you register are added automatically.",
    ),
    (
        "register.registry_number",
        "医籍登録番号",
        "Medical registry number",
    ),
    ("register.name_kanji", "氏名", "Name"),
    ("register.name_kana", "フリガナ", "Name in katakana"),
    ("register.birth_date", "生年月日", "Date of birth"),
    ("register.email", "メールアドレス", "E-mail address"),
    (
        "register.password",
        "パスワード（10文字以上）",
        "Password (10 characters or more)",
    ),
    ("register.prefecture", "都道府県", "Prefecture"),
    (
        "register.prefecture.hint",
        "会員は所属する都道府県医師会、非会員は勤務先の都道府県",
        "Members: your prefectural association. Non-members: your workplace's prefecture",
    ),
    ("register.membership", "医師会", "Medical association"),
    ("register.member", "会員", "Member"),
    ("register.non_member", "非会員", "Non-member"),
    (
        "register.workplace",
        "勤務先（任意）",
        "Workplace (optional)",
    ),
    ("register.choose", "選んでください", "Choose"),
    ("register.submit", "登録する", "Register"),
    (
        "register.have_account",
        "すでに登録済みの方",
        "Already registered?",
    ),
    ("mypage.title", "マイページ", "My Page"),
    ("mypage.registry", "医籍登録番号", "Registry number"),
    ("mypage.certificates", "認定証", "Certificates"),
    (
        "mypage.no_certificates",
        "認定証はまだありません。新規申請の準備状況は下に表示されます。",
        "No certificate yet. Your readiness for a new application is shown below.",
    ),
    (
        "mypage.readiness",
        "申請の準備状況",
        "Application readiness",
    ),
    ("mypage.number", "認定番号", "Certificate no."),
    ("mypage.valid", "有効期間", "Valid"),
    ("mypage.days_left", "残り{n}日", "{n} days left"),
    (
        "mypage.days_over",
        "期限から{n}日経過",
        "{n} days past expiry",
    ),
    ("mypage.history", "受講履歴", "Attendance history"),
    (
        "mypage.no_credits",
        "まだ単位の記録はありません。",
        "No units recorded yet.",
    ),
    ("mypage.source.system", "主催者登録", "Organizer"),
    ("mypage.source.handbook", "手帳", "Handbook"),
    ("mypage.source.staff", "事務局調整", "Staff adjustment"),
    ("mypage.verification.pending", "未確認", "Not yet verified"),
    ("mypage.verification.verified", "確認済", "Verified"),
    ("mypage.verification.rejected", "不承認", "Rejected"),
    ("mypage.online", "Web", "Online"),
    ("mypage.consumed", "更新に使用済", "Used for a renewal"),
    ("status.valid", "有効", "Valid"),
    ("status.expiring", "期限間近", "Expiring soon"),
    ("status.grace", "猶予期間", "Grace period"),
    ("status.covid_special", "コロナ特例", "COVID special"),
    ("status.lapsed", "失効", "Lapsed"),
    (
        "certification.occupational",
        "認定産業医",
        "Certified occupational physician",
    ),
    (
        "certification.sports",
        "認定健康スポーツ医",
        "Certified health sports physician",
    ),
    (
        "procedure.occupational.new",
        "認定産業医 新規申請",
        "Occupational physician: new",
    ),
    (
        "procedure.occupational.renewal",
        "認定産業医 更新申請",
        "Occupational physician: renewal",
    ),
    (
        "procedure.sports.new",
        "認定健康スポーツ医 新規申請",
        "Health sports physician: new",
    ),
    (
        "procedure.sports.renewal",
        "認定健康スポーツ医 更新申請",
        "Health sports physician: renewal",
    ),
    ("decision.eligible", "申請できます", "Ready to apply"),
    (
        "decision.not_eligible",
        "まだ申請できません",
        "Not ready yet",
    ),
    (
        "decision.route.uoeh",
        "産業医科大学の課程修了により申請できます",
        "Eligible through the UOEH course",
    ),
    (
        "decision.route.exemption",
        "日整会・JSPOの認定により講習が免除されます",
        "Exempt from the course through JOA/JSPO certification",
    ),
    (
        "decision.unverified",
        "手帳の単位（未確認）を含みます。原本の手帳を都道府県医師会へ送ってください。",
        "Includes handbook units not yet verified. Send the original handbook to your prefectural association.",
    ),
    (
        "decision.missing_units",
        "{label}があと{n}単位必要です",
        "{n} more units of {label} needed",
    ),
    (
        "decision.met_units",
        "{label} {c}/{n}単位",
        "{label} {c}/{n} units",
    ),
    (
        "decision.missing_course",
        "「{label}」の受講が必要です",
        "Attend “{label}”",
    ),
    (
        "decision.course_progress",
        "講習会 {c}/25科目",
        "Course: {c}/25 subjects",
    ),
    (
        "decision.course_more",
        "ほか{n}科目",
        "and {n} more subjects",
    ),
    (
        "decision.activity.missing",
        "有効期間内の実践活動を記録してください",
        "Record a practical activity within the validity period",
    ),
    (
        "decision.activity.met",
        "実践活動 {n}件",
        "{n} practical activities",
    ),
    (
        "decision.window.basic",
        "最後の基礎研修日から5年以内（{d}まで）に申請が必要です",
        "Apply within 5 years of your last basic-training day (by {d})",
    ),
    (
        "decision.window.basic.none",
        "基礎研修の単位がまだありません",
        "No basic-training units yet",
    ),
    (
        "decision.window.basic.over",
        "最後の基礎研修から5年を過ぎています（期限 {d}）。基礎研修を受け直してください",
        "More than 5 years since your last basic training (deadline {d}). Take basic training again",
    ),
    (
        "decision.window.uoeh",
        "産業医科大学の修了から5年以内（{d}まで）",
        "Within 5 years of UOEH completion (by {d})",
    ),
    (
        "decision.period.in_period",
        "有効期間内です",
        "Within the validity period",
    ),
    (
        "decision.period.covid_special",
        "コロナ特例：期限後に受講した単位も{d}まで期間内として数えます。新しい有効期間は元の期限から計算されます",
        "COVID special measure: units attended after expiry count as inside the period until {d}. The new period still runs from the old expiry",
    ),
    (
        "decision.period.grace",
        "猶予期間中（{d}まで）：特別な理由により更新できます",
        "Grace period (until {d}): renewal allowed with your special reason",
    ),
    (
        "decision.period.grace_needs_reason",
        "猶予期間中（{d}まで）です。更新には特別な理由（病気療養・海外勤務など）の申告が必要です",
        "Grace period (until {d}). Renewal needs a special reason (illness, work abroad…)",
    ),
    (
        "decision.period.lapsed",
        "認定は失効しています。更新はできないため、新規に申請してください",
        "The certificate has lapsed. It cannot be renewed: apply anew",
    ),
    ("deadline.expiry", "有効期限", "Expiry"),
    (
        "deadline.recommended",
        "更新申請の目安（期限の2か月前）",
        "Recommended application (2 months before expiry)",
    ),
    (
        "deadline.grace_end",
        "猶予期間の終了",
        "End of grace period",
    ),
    (
        "deadline.covid_end",
        "コロナ特例の終了",
        "End of COVID special measure",
    ),
    ("deadline.window_end", "申請期限", "Application deadline"),
    (
        "deadline.next_round",
        "次の審査回（日医受付 {jma}）の都道府県医師会締切",
        "Prefectural deadline for the next review round (JMA receipt {jma})",
    ),
    (
        "deadline.next_period",
        "更新後の有効期間",
        "New validity period",
    ),
    ("whatif.title", "受講予定を加えて試算", "What if I attend…"),
    (
        "whatif.lead",
        "予定している研修会や単位を加えると、準備状況がすぐに変わります（試算は端末内で計算され、記録はされません）。",
        "Add planned sessions or units and see the readiness change at once (computed on this device, nothing is recorded).",
    ),
    ("whatif.sessions", "公開中の研修会", "Published sessions"),
    (
        "whatif.no_sessions",
        "この資格に関係する公開中の研修会はありません。",
        "No published sessions for this certification.",
    ),
    ("whatif.add_units", "単位を追加", "Add units"),
    ("whatif.category", "区分", "Category"),
    ("whatif.subject", "科目", "Subject"),
    ("whatif.date", "受講日", "Date"),
    ("whatif.add", "追加", "Add"),
    ("whatif.clear", "試算をクリア", "Clear what-if"),
    (
        "whatif.planned",
        "試算に含む予定：{n}件",
        "Planned items included: {n}",
    ),
    ("whatif.apply_day", "申請予定日", "Planned application day"),
    ("mypage.links.qr", "受付用QRコード", "Check-in QR code"),
    ("mypage.links.history", "受講履歴・CSV", "History & CSV"),
    (
        "mypage.links.handbook",
        "手帳の単位を登録",
        "Handbook units",
    ),
    ("mypage.links.profile", "登録情報", "My details"),
    ("handbook.title", "手帳の単位（手帳管理）", "Handbook units"),
    (
        "handbook.lead",
        "2025年3月31日までに受講し、研修手帳に記録された単位を登録してください。登録した単位はすぐに試算に反映されます（未確認）。申請時には原本の研修手帳を都道府県医師会へ提出（窓口または書留郵便）し、職員が確認します。",
        "Declare units attended up to 31 March 2025 and recorded in your paper handbook. They count in your preview at once, marked not yet verified. When you apply, hand or send (registered mail) the original handbook to your prefectural association, whose staff verify each entry.",
    ),
    ("handbook.form.new", "単位を登録", "Declare units"),
    ("handbook.form.edit", "登録内容を修正", "Correct the entry"),
    (
        "handbook.organizer",
        "主催者（手帳の記載どおり）",
        "Organizer (as in the handbook)",
    ),
    (
        "handbook.note",
        "メモ（研修会名・ページなど）",
        "Note (session, page…)",
    ),
    ("handbook.save", "登録する", "Declare"),
    ("handbook.update", "修正を保存", "Save correction"),
    ("handbook.cancel", "やめる", "Cancel"),
    ("handbook.edit", "修正", "Correct"),
    ("handbook.delete", "取り下げ", "Withdraw"),
    (
        "handbook.confirm_delete",
        "この単位の登録を取り下げますか？",
        "Withdraw this declaration?",
    ),
    ("handbook.saved", "登録しました", "Declared"),
    (
        "handbook.none",
        "手帳の単位はまだ登録されていません。",
        "No handbook units declared yet.",
    ),
    (
        "handbook.locked",
        "確認済みのため変更できません",
        "Verified: cannot be changed",
    ),
    ("history.title", "受講履歴", "Attendance history"),
    ("history.filter", "絞り込み", "Filter"),
    ("history.all", "すべて", "All"),
    ("history.from", "開始日", "From"),
    ("history.to", "終了日", "To"),
    ("history.totals", "区分ごとの合計", "Totals by category"),
    ("history.csv", "CSV出力", "Download CSV"),
    ("history.print", "履歴を印刷", "Print history"),
    ("history.count", "{n}件", "{n} entries"),
    ("history.prev", "前へ", "Previous"),
    ("history.next", "次へ", "Next"),
    (
        "transcript.title",
        "受講履歴（写し）",
        "Attendance transcript",
    ),
    ("transcript.issued", "作成日", "Issued"),
    ("transcript.print", "印刷する", "Print"),
    (
        "transcript.note",
        "この写しはマイページの記録から作成したものです。手帳の単位のうち「未確認」は都道府県医師会の確認前です。",
        "Made from the My Page record. Handbook units marked not yet verified await the prefectural association's check.",
    ),
    ("qr.title", "受付用QRコード", "Check-in QR code"),
    (
        "qr.lead",
        "研修会の受付でこの画面を提示してください。コードは数分ごとに自動で更新されます。",
        "Show this screen at the session's reception. The code renews itself every few minutes.",
    ),
    (
        "qr.expires",
        "有効期限まで約{n}分",
        "Valid for about {n} more minutes",
    ),
    ("profile.title", "登録情報", "My details"),
    (
        "profile.identity_note",
        "医籍登録番号・氏名・生年月日の変更は、変更申請から行ってください。",
        "Registry number, name and date of birth change only through a change application.",
    ),
    ("profile.contact", "連絡先", "Contact details"),
    ("profile.phone", "電話番号", "Phone"),
    ("profile.save", "保存する", "Save"),
    ("profile.saved", "保存しました", "Saved"),
    ("common.total", "合計", "Total"),
    ("common.back_mypage", "マイページへ戻る", "Back to My Page"),
    ("nav.organizer", "研修会", "Sessions"),
    ("org.title", "研修会の管理", "Your sessions"),
    ("org.create", "研修会を登録", "Create a session"),
    (
        "org.none",
        "登録した研修会はまだありません。",
        "No sessions yet.",
    ),
    ("org.title_field", "研修会名", "Title"),
    ("org.starts_at", "開始時刻", "Start"),
    ("org.ends_at", "終了時刻", "End"),
    ("org.venue", "会場", "Venue"),
    (
        "org.online",
        "Web開催（個人視聴）",
        "Online (watched individually)",
    ),
    ("org.capacity", "定員", "Capacity"),
    ("org.designation", "指定番号", "Designation no."),
    (
        "org.lecturers",
        "講師の医籍登録番号（複数はカンマ区切り）",
        "Lecturers' registry numbers (comma separated)",
    ),
    ("org.created", "登録しました", "Created"),
    ("org.checkin", "受付", "Check-in"),
    ("org.review", "出席確認・単位登録", "Review & post"),
    ("checkin.title", "受付", "Check-in"),
    ("checkin.in", "入室", "In"),
    ("checkin.out", "退室", "Out"),
    (
        "checkin.number",
        "医籍登録番号で記録",
        "Record by registry number",
    ),
    (
        "checkin.birth",
        "生年月日（マイページ未登録の方）",
        "Date of birth (no My Page yet)",
    ),
    ("checkin.record", "記録する", "Record"),
    ("checkin.ok_in", "入室を記録しました", "Checked in"),
    ("checkin.ok_out", "退室を記録しました", "Checked out"),
    (
        "checkin.already",
        "すでに{t}に入室済みです",
        "Already checked in at {t}",
    ),
    (
        "checkin.already_out",
        "すでに{t}に退室済みです",
        "Already checked out at {t}",
    ),
    ("checkin.sending", "送信しています", "Sending"),
    (
        "checkin.already_queued",
        "この方の記録は送信待ちです（二重に記録しません）",
        "Already waiting to be sent for this person (not recorded twice)",
    ),
    ("org.back", "研修会の一覧へ", "Back to your sessions"),
    (
        "org.tolerance_in",
        "入室の許容（開始後・分）",
        "Check-in tolerance (min after start)",
    ),
    (
        "org.tolerance_out",
        "退室の許容（終了前・分）",
        "Check-out tolerance (min before end)",
    ),
    ("checkin.lookup_birth", "生年月日", "Date of birth"),
    ("review.filter.certification", "資格", "Certification"),
    (
        "checkin.ready",
        "QRコードを読み取るか、番号・氏名で探してください",
        "Scan a QR code, or search by number or name",
    ),
    (
        "scanner.start",
        "カメラでQRコードを読み取る",
        "Scan QR codes with the camera",
    ),
    ("scanner.stop", "カメラを止める", "Stop the camera"),
    (
        "scanner.denied",
        "カメラを使えません。ブラウザの設定でカメラを許可するか、番号・氏名で検索してください",
        "The camera is not available. Allow it in the browser settings, or search by number or name",
    ),
    ("door.title", "受付補助の端末", "Helper devices"),
    (
        "door.lead",
        "この研修会の受付だけができるリンクを作り、補助の方のスマートフォンで開いてもらいます。期限が来るか取り消すと使えなくなります。",
        "Make a link that can only check people in to this session, and open it on a helper's phone. It stops working when it expires or is revoked.",
    ),
    (
        "door.label",
        "端末の名前（例：受付2 佐藤）",
        "Device name (e.g. Desk 2, Sato)",
    ),
    ("door.hours", "有効時間", "Valid for"),
    ("door.hours_n", "{n}時間", "{n} hours"),
    ("door.create", "リンクを作る", "Make a link"),
    (
        "door.made",
        "このリンクは今だけ表示されます。補助の方に渡してください：",
        "This link is shown only now. Give it to the helper:",
    ),
    ("door.revoke", "取り消す", "Revoke"),
    ("door.revoked", "取り消し済み", "Revoked"),
    ("door.expired", "期限切れ", "Expired"),
    ("door.until", "{t}まで有効", "Valid until {t}"),
    (
        "door.as",
        "{label}・{t}まで有効",
        "{label} · valid until {t}",
    ),
    ("review.credited", "単位登録済", "Credited"),
    ("review.not_credited", "単位なし", "No units"),
    (
        "review.posted_note",
        "単位登録済みです。訂正は理由を添えて行い、記録に残ります（元の記録は書き換えません）。",
        "Posted. Corrections need a reason and are audited (nothing is rewritten).",
    ),
    (
        "correct.title",
        "名簿にない方に単位を追加",
        "Add units for someone not listed",
    ),
    (
        "correct.lead",
        "読み取り漏れなどで一覧にない方は、医籍登録番号と理由で追加します。",
        "For someone missing from the list (a missed scan, …), add them by registry number with a reason.",
    ),
    ("correct.add", "単位を追加", "Add units"),
    ("correct.withdraw", "単位を取り消す", "Withdraw units"),
    (
        "correct.add_reason",
        "単位を追加する理由（記録に残ります）",
        "Why are the units added? (kept in the audit log)",
    ),
    (
        "correct.withdraw_reason",
        "単位を取り消す理由（記録に残ります）",
        "Why are the units withdrawn? (kept in the audit log)",
    ),
    (
        "correct.done",
        "{r}の単位を訂正しました",
        "Corrected the units of {r}",
    ),
    (
        "import.title",
        "紙の出席簿を取り込む",
        "Import a paper attendance sheet",
    ),
    (
        "import.lead",
        "CSV（医籍登録番号,氏名,入室,退室）。まず確認し、問題のある行をすべて直してから取り込みます。同じ出席簿を二度取り込んでも重複しません。",
        "CSV (registry number,name,in,out). Check first, fix every line reported, then import. Importing the same sheet twice records nothing twice.",
    ),
    ("import.file", "CSVファイル", "CSV file"),
    (
        "import.template",
        "記入用のCSVをダウンロード",
        "Download a blank CSV to fill in",
    ),
    ("import.text", "または貼り付け", "Or paste it"),
    (
        "import.check",
        "確認する（まだ取り込みません）",
        "Check (nothing is imported yet)",
    ),
    (
        "import.checked",
        "取り込める行 {n}件・取り込み済み {old}件・問題のある行 {bad}件",
        "{n} lines to import · {old} already imported · {bad} lines with problems",
    ),
    ("import.run", "取り込む", "Import"),
    (
        "import.done",
        "{n}件の記録を取り込みました",
        "Imported {n} scans",
    ),
    ("nav.sessions", "研修会を探す", "Find sessions"),
    ("sessions.title", "研修会を探す", "Find training sessions"),
    ("sessions.from", "この日以降", "From"),
    ("sessions.any", "指定なし", "Any"),
    (
        "sessions.none",
        "条件に合う研修会はありません",
        "No sessions match",
    ),
    ("sessions.count", "{n}件", "{n} sessions"),
    ("sessions.units", "{n}単位", "{n} units"),
    (
        "checkin.unregistered",
        "マイページ未登録（登録時に単位が反映されます）",
        "No My Page yet (units attach when they register)",
    ),
    (
        "checkin.queued",
        "未送信 {n}件（電波が戻ると自動で送信します）",
        "{n} waiting to send (sent when the network returns)",
    ),
    ("checkin.undo", "取り消す", "Undo"),
    (
        "checkin.undo_reason",
        "取り消しの理由（記録に残ります）",
        "Why is it undone? (kept in the record)",
    ),
    ("checkin.undone", "取り消しました", "Undone"),
    ("review.title", "出席確認・単位登録", "Review & post"),
    ("review.full", "全出席", "Full"),
    ("review.partial", "一部出席", "Partial"),
    ("review.lecturer", "講師", "Lecturer"),
    ("review.late", "{n}分遅刻", "{n} min late"),
    ("review.early", "{n}分早退", "{n} min early"),
    ("review.no_in", "入室記録なし", "No check-in"),
    ("review.no_out", "退室記録なし", "No check-out"),
    (
        "review.grant",
        "単位を認める（理由）",
        "Grant the units (reason)",
    ),
    ("review.post", "単位を登録する", "Post the credits"),
    (
        "review.posted",
        "{n}件の単位を登録しました。各医師のマイページに反映されています。",
        "{n} credits posted; they are on each physician's My Page now.",
    ),
    (
        "review.none",
        "まだ受付の記録がありません。",
        "No scans yet.",
    ),
    ("admin.title", "アカウント管理", "Accounts"),
    (
        "admin.create",
        "職員・主催者アカウントを作成",
        "Create a staff or organizer account",
    ),
    ("admin.role", "役割", "Role"),
    ("admin.display_name", "表示名", "Display name"),
    ("admin.body", "主催団体", "Organizing body"),
    ("admin.created", "作成しました", "Created"),
    ("admin.users", "アカウント一覧", "Accounts"),
    ("role.physician", "医師", "Physician"),
    ("role.organizer", "研修会主催者", "Organizer"),
    (
        "role.prefectural_staff",
        "都道府県医師会",
        "Prefectural staff",
    ),
    ("role.jma_staff", "日本医師会", "JMA staff"),
    ("role.admin", "管理者", "Administrator"),
    ("notfound.title", "ページが見つかりません", "Page not found"),
    ("notfound.back", "ホームへ戻る", "Back to home"),
    ("req.basic.early.total", "前期研修", "early basic training"),
    (
        "req.basic.practical.total",
        "実地研修",
        "practical basic training",
    ),
    ("req.basic.late.total", "後期研修", "late basic training"),
    (
        "req.lifelong.total",
        "生涯研修（合計）",
        "lifelong training (total)",
    ),
    ("req.lifelong.update", "更新研修", "update training"),
    ("req.lifelong.practical", "実地研修", "practical training"),
    (
        "req.lifelong.specialized",
        "専門研修",
        "specialised training",
    ),
    ("req.refresher.total", "再研修会", "refresher training"),
    ("nav.applications", "申請", "Applications"),
    ("nav.review", "審査", "Review"),
    ("application.back", "申請一覧へ戻る", "Back to applications"),
    ("application.list.title", "申請", "Applications"),
    (
        "application.list.mine",
        "これまでの申請",
        "Your applications",
    ),
    (
        "application.start",
        "新しく申請する",
        "Start an application",
    ),
    (
        "application.none",
        "申請はまだありません",
        "No applications yet",
    ),
    ("application.number", "受付番号", "No."),
    ("application.submitted_on", "申請日", "Submitted"),
    (
        "application.round",
        "審査回（日医受付締切）",
        "Review round (JMA deadline)",
    ),
    (
        "application.prefectural_deadline",
        "都道府県医師会の締切",
        "Prefectural deadline",
    ),
    ("application.timeline", "経過", "Timeline"),
    ("application.documents", "提出書類", "Documents"),
    (
        "application.documents.none",
        "書類はありません",
        "No documents",
    ),
    (
        "application.documents.hint",
        "PDF・JPEG・PNG（1ファイル10MBまで）。書類をスマートフォンで撮影した写真で構いません。",
        "PDF, JPEG or PNG, up to 10 MB each. A phone photo of the document is fine.",
    ),
    ("application.documents.required", "必須", "Required"),
    ("application.documents.optional", "任意", "Optional"),
    ("application.documents.remove", "外す", "Remove"),
    (
        "application.documents.uploading",
        "アップロード中… {p}%",
        "Uploading… {p}%",
    ),
    (
        "application.decision",
        "申請時の判定",
        "Decision at submission",
    ),
    (
        "application.decision.live",
        "この申請の判定（入力に合わせて更新）",
        "Decision for this application (updates as you type)",
    ),
    (
        "application.correction",
        "都道府県医師会からの訂正依頼",
        "Correction requested by the prefectural association",
    ),
    (
        "application.correct_and_resubmit",
        "訂正して再提出する",
        "Correct and resubmit",
    ),
    (
        "application.withdraw",
        "申請を取り下げる",
        "Withdraw the application",
    ),
    (
        "application.confirm_withdraw",
        "この申請を取り下げますか？取り下げた申請は元に戻せません。",
        "Withdraw this application? This cannot be undone.",
    ),
    (
        "application.granted",
        "認定番号 {number}、有効期間 {from} – {until} で承認されました。マイページに反映済みです。",
        "Approved: certificate {number}, valid {from} – {until}. My Page shows it now.",
    ),
    (
        "application.fee.title",
        "審査・登録料",
        "Review and registration fee",
    ),
    (
        "application.fee.text",
        "審査・登録料 {yen}円を都道府県医師会へお支払いください（窓口・銀行振込・現金書留）。",
        "Pay the fee of {yen} yen to your prefectural association (at the counter, by bank transfer or registered cash mail).",
    ),
    (
        "application.fee.pending",
        "受領の記録待ち",
        "Not yet recorded",
    ),
    (
        "application.fee.recorded",
        "{date} 受領（{channel}）",
        "Received {date} ({channel})",
    ),
    (
        "application.handbook.title",
        "研修手帳の原本",
        "Original training handbook",
    ),
    (
        "application.handbook.text",
        "手帳管理の単位を使う申請です。研修手帳の原本を都道府県医師会へお持ちいただくか、書留郵便でお送りください。原本で確認できた単位だけが承認に使われます。",
        "This application uses handbook units. Bring the original handbook to your prefectural association or send it by registered mail. Only units confirmed in the original count for approval.",
    ),
    (
        "application.handbook.pending",
        "原本の到着待ち",
        "Waiting for the original",
    ),
    (
        "application.handbook.arrived",
        "{date} 原本到着",
        "Original arrived {date}",
    ),
    (
        "application.form.unknown",
        "申請の種類が分かりません。申請一覧から選び直してください",
        "Unknown application type. Choose it again from your applications",
    ),
    (
        "application.form.route",
        "申請の根拠",
        "Basis of the application",
    ),
    (
        "application.form.route.training",
        "基礎研修50単位",
        "50 units of basic training",
    ),
    (
        "application.form.route.uoeh",
        "産業医科大学 基本講座・集中講座の修了",
        "UOEH basic or intensive course completed",
    ),
    (
        "application.form.uoeh_date",
        "修了認定日",
        "Completion date",
    ),
    (
        "application.form.exemption",
        "他団体の認定による免除",
        "Exemption by another certification",
    ),
    (
        "application.form.exemption.none",
        "なし（講習会を受講）",
        "None (course attended)",
    ),
    (
        "application.form.exemption.joa",
        "日本整形外科学会認定スポーツ医",
        "JOA certified sports physician",
    ),
    (
        "application.form.exemption.jspo",
        "日本スポーツ協会公認スポーツドクター",
        "JSPO certified sports doctor",
    ),
    (
        "application.form.grace_reason",
        "期限後の申請の特別な理由（猶予期間）",
        "Special reason for applying after expiry (grace period)",
    ),
    (
        "application.form.grace_hint",
        "病気療養・海外勤務など。期限から6か月以内に限ります。",
        "Illness, work abroad, etc. Only within 6 months after expiry.",
    ),
    (
        "application.form.activities",
        "実践活動",
        "Practical activities",
    ),
    (
        "application.form.activities_hint",
        "有効期間内の健康スポーツ医としての活動を記入してください（学校医、運動指導、大会救護など）。",
        "Record your activities as a health sports physician within the period (school physician, exercise guidance, event medical support…).",
    ),
    ("application.form.activity_date", "活動日", "Date"),
    ("application.form.activity_text", "活動内容", "Activity"),
    (
        "application.form.add_activity",
        "活動を追加",
        "Add an activity",
    ),
    (
        "application.form.current_workplace",
        "現在の勤務先：",
        "Current workplace:",
    ),
    (
        "application.form.workplace",
        "新しい勤務先",
        "New workplace",
    ),
    (
        "application.form.other_changes",
        "その他の変更事項（氏名など）",
        "Other changes (name, etc.)",
    ),
    (
        "application.form.not_ready",
        "要件を満たし、必須の書類をそろえると申請できます。",
        "You can submit once the requirements are met and the required documents are attached.",
    ),
    (
        "application.form.submit",
        "申請する",
        "Submit the application",
    ),
    (
        "application.form.resubmit",
        "訂正して再提出する",
        "Resubmit",
    ),
    ("outbox.title", "送信メール（アウトボックス）", "Outbox"),
    (
        "outbox.lead",
        "通知メールはすべてここに残ります。SMTPサーバーが未設定のときは送信されず、ここで確認できます。",
        "Every notification mail is kept here. Without an SMTP server they are not sent and can be read here.",
    ),
    ("outbox.none", "メールはありません", "No mails"),
    ("outbox.sent", "送信済み", "Sent"),
    ("outbox.kept", "未送信（保管）", "Kept, not sent"),
    ("profile.registry", "医籍登録番号", "Registry number"),
    ("profile.birth_date", "生年月日", "Date of birth"),
    ("profile.membership", "会員区分", "Membership"),
    ("profile.workplace", "勤務先", "Workplace"),
    (
        "review.title.prefecture",
        "申請の審査（都道府県医師会）",
        "Applications to review (prefecture)",
    ),
    (
        "review.title.jma",
        "審査回ごとの申請（日本医師会）",
        "Applications by review round (JMA)",
    ),
    ("review.back", "審査一覧へ戻る", "Back to the queue"),
    ("review.filter.status", "状態", "Status"),
    ("review.filter.kind", "手続き", "Procedure"),
    ("review.filter.round", "審査回", "Review round"),
    ("review.filter.all", "すべて", "All"),
    (
        "review.system_only",
        "全単位が主催者登録",
        "All units organizer-registered",
    ),
    (
        "review.bulk",
        "この審査回の主催者登録のみの申請を一括承認",
        "Approve in bulk: this round, organizer-registered units only",
    ),
    (
        "review.bulk.hint",
        "手帳単位・産業医科大学ルート・免除の申請は一件ずつ審査します。",
        "Applications with handbook units, the UOEH route or an exemption are reviewed one by one.",
    ),
    (
        "review.bulk.confirm",
        "この審査回で、全単位が主催者登録の申請を一括承認しますか？",
        "Approve every application of this round whose units are all organizer-registered?",
    ),
    (
        "review.bulk.result",
        "{approved}件を承認、{skipped}件は個別審査に残しました",
        "Approved {approved}; {skipped} left for one-by-one review",
    ),
    (
        "review.checklist",
        "進達・承認の条件",
        "What forwarding and approval need",
    ),
    (
        "review.complete",
        "すべての条件がそろっています",
        "Everything is in place",
    ),
    ("review.credits", "申請に使う単位", "Credits relied on"),
    (
        "review.no_credits",
        "単位を使わない申請です",
        "This application uses no credits",
    ),
    ("review.verify", "原本で確認", "Verified in the original"),
    (
        "review.reject_credit",
        "確認できない",
        "Not in the original",
    ),
    (
        "review.reject_credit_reason",
        "確認できない理由を入力してください",
        "Why can this credit not be confirmed?",
    ),
    ("review.actions", "操作", "Actions"),
    ("review.fee", "審査・登録料の受領", "Fee received"),
    ("review.fee_date", "受領日", "Day received"),
    ("review.fee_channel", "受領方法", "How"),
    ("review.record_fee", "受領を記録", "Record the fee"),
    ("review.handbook_date", "到着日", "Day it arrived"),
    (
        "review.record_handbook",
        "原本の到着を記録",
        "Record the handbook's arrival",
    ),
    (
        "review.request_correction",
        "訂正を依頼",
        "Request a correction",
    ),
    (
        "review.correction_message",
        "訂正してほしい内容",
        "What to correct",
    ),
    ("review.forward", "日本医師会へ進達", "Forward to JMA"),
    ("review.approve", "承認する", "Approve"),
    ("review.reject", "却下する", "Reject"),
    ("review.reject_reason", "却下の理由", "Reason for rejection"),
    ("application.kind.new", "新規申請", "new application"),
    ("application.kind.renewal", "更新申請", "renewal"),
    (
        "application.kind.workplace_change",
        "勤務先・登録事項の変更",
        "change of workplace or details",
    ),
    ("application.status.submitted", "申請中", "Submitted"),
    (
        "application.status.correction_requested",
        "訂正依頼",
        "Correction requested",
    ),
    ("application.status.forwarded", "日医審査中", "With JMA"),
    ("application.status.approved", "承認", "Approved"),
    ("application.status.rejected", "却下", "Rejected"),
    ("application.status.withdrawn", "取下げ", "Withdrawn"),
    (
        "application.next.submitted",
        "都道府県医師会が書類・審査料・研修手帳（使用時）を確認しています。",
        "Your prefectural association is checking the documents, the fee and, where used, the handbook.",
    ),
    (
        "application.next.correction_requested",
        "訂正依頼があります。内容を直して再提出してください。",
        "A correction was requested. Correct the application and resubmit it.",
    ),
    (
        "application.next.forwarded",
        "日本医師会の審査回で審査されます。",
        "JMA will review it in its review round.",
    ),
    ("application.next.approved", "承認されました。", "Approved."),
    (
        "application.next.rejected",
        "承認されませんでした。理由は経過をご覧ください。",
        "Not approved. See the timeline for the reason.",
    ),
    (
        "application.next.withdrawn",
        "取り下げた申請です。",
        "You withdrew this application.",
    ),
    ("application.step.submit", "申請", "Submitted"),
    ("application.step.resubmit", "再提出", "Resubmitted"),
    ("application.step.withdraw", "取下げ", "Withdrawn"),
    (
        "application.step.request_correction",
        "訂正依頼",
        "Correction requested",
    ),
    (
        "application.step.record_fee",
        "審査・登録料 受領",
        "Fee recorded",
    ),
    (
        "application.step.record_handbook",
        "研修手帳 原本到着",
        "Handbook arrived",
    ),
    (
        "application.step.verify_credit",
        "手帳単位の確認",
        "Handbook credit checked",
    ),
    (
        "application.step.forward",
        "日本医師会へ進達",
        "Forwarded to JMA",
    ),
    ("application.step.approve", "承認", "Approved"),
    ("application.step.reject", "却下", "Rejected"),
    (
        "document.uoeh_certificate",
        "産業医科大学 修了認定証",
        "UOEH completion certificate",
    ),
    (
        "document.exemption_certificate",
        "JOA/JSPO 認定証の写し",
        "Copy of the JOA/JSPO certificate",
    ),
    (
        "document.medical_licence",
        "医師免許証の写し（非会員）",
        "Copy of the medical licence (non-members)",
    ),
    (
        "document.activity_evidence",
        "実践活動の証明書類",
        "Evidence of practical activity",
    ),
    ("document.other", "その他の書類", "Other document"),
    ("fee.counter", "窓口", "Counter"),
    ("fee.bank_transfer", "銀行振込", "Bank transfer"),
    ("fee.registered_mail", "現金書留", "Registered cash mail"),
    ("mypage.apply", "申請する", "Apply"),
    (
        "checkin.lookup",
        "氏名と生年月日で探す",
        "Find by full name and date of birth",
    ),
    (
        "checkin.lookup_name",
        "氏名（漢字またはフリガナ、フルネーム）",
        "Full name (kanji or kana)",
    ),
    ("checkin.lookup_search", "探す", "Search"),
    (
        "checkin.lookup_none",
        "一致する方がいません。氏名（フルネーム）と生年月日を確かめてください",
        "Nobody matches. Check the full name and the date of birth",
    ),
    ("admin.outbox", "送信メール", "Outbox"),
];

/// The language context.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    /// The current language.
    pub lang: RwSignal<Lang>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Provides the language, restored from the last visit (Japanese by default).
pub fn provide_i18n_context() {
    let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let lang = RwSignal::new(if saved.as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::Ja
    });
    Effect::new(move |_| {
        let l = lang.get();
        let code = if l == Lang::En { "en" } else { "ja" };
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, code);
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", code);
        }
    });
    provide_context(I18n { lang });
}

/// The language context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Looks a key up; a missing key shows itself, so it is noticed rather than hidden.
/// Category and subject names are the glossary's, kept once in the domain crate.
pub fn lookup(lang: Lang, key: &str) -> &'static str {
    let en = lang == Lang::En;
    if let Some(c) = key
        .strip_prefix("category.")
        .and_then(|c| c.parse::<domain::Category>().ok())
    {
        return if en { c.name_en() } else { c.name_ja() };
    }
    if let Some(s) = key
        .strip_prefix("subject.")
        .and_then(|s| s.parse::<domain::Subject>().ok())
    {
        return if en { s.name_en() } else { s.name_ja() };
    }
    CATALOG
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, ja, en)| if lang == Lang::En { *en } else { *ja })
        .unwrap_or_else(|| Box::leak(key.to_owned().into_boxed_str()))
}

impl I18n {
    /// The text of `key` in the current language (reactive).
    pub fn t(&self, key: &str) -> &'static str {
        lookup(self.lang.get(), key)
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// Picks the message of the current language.
    pub fn msg(&self, m: &domain::Message) -> String {
        if self.lang.get() == Lang::En {
            m.en.clone()
        } else {
            m.ja.clone()
        }
    }

    /// A prefecture's name.
    pub fn prefecture(&self, p: domain::Prefecture) -> &'static str {
        if self.lang.get() == Lang::En {
            p.name_en()
        } else {
            p.name_ja()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_has_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for (k, ja, en) in CATALOG {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!ja.is_empty() && !en.is_empty(), "{k} lacks a language");
        }
    }

    fn has(key: &str) -> bool {
        CATALOG.iter().any(|(k, _, _)| *k == key)
    }

    /// Every literal key the pages use (`i18n.t("…")`, `i18n.f("…")`, `label="…"`) is in the
    /// catalogue: a missing key would show itself to the user.
    #[test]
    fn every_key_the_pages_use_is_in_the_catalogue() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut missing = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            for pattern in ["i18n.t(\"", "i18n.f(\"", "label=\""] {
                for (i, _) in text.match_indices(pattern) {
                    let rest = &text[i + pattern.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    if key.contains('.') && !key.contains(' ') && !has(key) {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys missing:\n{}", missing.join("\n"));
    }

    #[test]
    fn every_application_code_has_a_name() {
        use domain::application::{ApplicationKind, DocumentKind, FeeChannel, Status, Step};
        let keys = Status::ALL
            .iter()
            .map(|s| format!("application.status.{s}"))
            .chain(Status::ALL.iter().map(|s| format!("application.next.{s}")))
            .chain(
                ApplicationKind::ALL
                    .iter()
                    .map(|k| format!("application.kind.{k}")),
            )
            .chain(Step::ALL.iter().map(|s| format!("application.step.{s}")))
            .chain(DocumentKind::ALL.iter().map(|d| format!("document.{d}")))
            .chain(FeeChannel::ALL.iter().map(|c| format!("fee.{c}")))
            .chain(
                domain::Source::ALL
                    .iter()
                    .map(|c| format!("mypage.source.{c}")),
            );
        let missing: Vec<String> = keys.filter(|k| !has(k)).collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn every_category_and_subject_has_a_name() {
        for c in domain::Category::ALL {
            assert_eq!(lookup(Lang::Ja, &format!("category.{c}")), c.name_ja());
            for s in c.subjects() {
                assert!(
                    !s.name_ja().is_empty() && !s.name_en().is_empty(),
                    "subject.{s}"
                );
                assert_eq!(lookup(Lang::En, &format!("subject.{s}")), s.name_en());
            }
        }
    }
}
