//! The scans a door device holds until the server has recorded them. A scan leaves the device
//! only when the server answers that it recorded it: a network failure keeps it waiting, a
//! closed link or an ended login stops sending and keeps everything, and a refusal of one scan
//! (a wrong day, an unknown number) keeps it aside with the reason until a person decides.
//! The queue is plain data (kept in `localStorage` as JSON by the desk), so its rules are
//! tested natively.

use domain::Message;
use domain::api::ScanRequest;
use serde::{Deserialize, Serialize};

/// A scan on the device, with what the desk showed of the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    /// What is sent.
    pub request: ScanRequest,
    /// Name read from the QR code (verified on the device), if any.
    #[serde(default)]
    pub name: Option<String>,
}

impl Queued {
    /// Who it is, for a person reading the list: the name, or the registry number.
    pub fn who(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.request.registry_number.clone())
            .unwrap_or_default()
    }
}

/// A scan the server refused, kept with the reason until a person decides what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// The scan.
    pub queued: Queued,
    /// Why the server refused it.
    pub reason: Message,
    /// The refusal's code (`unknown_number` lets the desk confirm the number).
    #[serde(default)]
    pub code: String,
}

/// Why sending stopped with scans still on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The organizer's login ended: logging in again sends them.
    SignedOut,
    /// The helper's link was revoked, expired or its session posted: the organizer receives
    /// them on this device.
    DoorClosed,
}

/// What the server answered to one scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Recorded (or recorded before: a replay).
    Recorded,
    /// No answer, or the server could not answer now: try again later.
    Offline,
    /// Not logged in (or not as the organizer).
    SignedOut,
    /// The helper's link no longer opens the door.
    DoorClosed,
    /// This scan is refused, and why.
    Refused {
        /// The refusal's code.
        code: String,
        /// What to tell the desk.
        reason: Message,
    },
}

impl Outcome {
    /// The outcome of an HTTP answer: its status, error code and most specific message.
    pub fn of(status: u16, code: Option<&str>, reason: Option<Message>) -> Outcome {
        match status {
            200..=299 => Outcome::Recorded,
            0 | 408 | 429 | 500..=599 => Outcome::Offline,
            401 if code == Some("door_closed") => Outcome::DoorClosed,
            401 | 403 => Outcome::SignedOut,
            _ => Outcome::Refused {
                code: code.unwrap_or_default().to_owned(),
                reason: reason.unwrap_or_else(|| Message::key("error.validation")),
            },
        }
    }
}

/// Everything a device holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorQueue {
    /// Waiting to be sent, oldest first.
    #[serde(default)]
    pub waiting: Vec<Queued>,
    /// Refused by the server, kept until a person decides.
    #[serde(default)]
    pub held: Vec<Held>,
    /// Why sending stopped, if it did.
    #[serde(default)]
    pub stopped: Option<Stop>,
}

impl DoorQueue {
    /// Reads what the device stored; the format of earlier builds (a list of requests) is
    /// taken as waiting scans, so an update never drops a queue.
    pub fn from_json(text: &str) -> DoorQueue {
        serde_json::from_str::<DoorQueue>(text)
            .or_else(|_| {
                serde_json::from_str::<Vec<ScanRequest>>(text).map(|requests| DoorQueue {
                    waiting: requests
                        .into_iter()
                        .map(|request| Queued {
                            request,
                            name: None,
                        })
                        .collect(),
                    ..DoorQueue::default()
                })
            })
            .unwrap_or_default()
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Adds a scan, unless the same person and direction is already waiting (a person still in
    /// front of the camera). Returns whether it was added.
    pub fn enqueue(&mut self, queued: Queued) -> bool {
        let same = |q: &Queued| {
            q.request.kind == queued.request.kind
                && q.request.registry_number.is_some()
                && q.request.registry_number == queued.request.registry_number
        };
        if self.waiting.iter().any(same) {
            return false;
        }
        self.waiting.push(queued);
        true
    }

    /// The next scan to send, unless sending has stopped.
    pub fn next(&self) -> Option<&Queued> {
        if self.stopped.is_some() {
            return None;
        }
        self.waiting.first()
    }

    /// Takes the server's answer to the first waiting scan; returns whether to send the next.
    pub fn settle(&mut self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Recorded => {
                if !self.waiting.is_empty() {
                    self.waiting.remove(0);
                }
                self.stopped = None;
                true
            }
            Outcome::Offline => false,
            Outcome::SignedOut => {
                self.stopped = Some(Stop::SignedOut);
                false
            }
            Outcome::DoorClosed => {
                self.stopped = Some(Stop::DoorClosed);
                false
            }
            Outcome::Refused { code, reason } => {
                if !self.waiting.is_empty() {
                    let queued = self.waiting.remove(0);
                    self.held.push(Held {
                        queued,
                        reason,
                        code,
                    });
                }
                true
            }
        }
    }

    /// Tries again: held scans go back to waiting (the oldest first) and a stop is lifted (after
    /// logging in again, or on the organizer's own device after a handover).
    pub fn retry(&mut self) {
        let held = std::mem::take(&mut self.held);
        let mut again: Vec<Queued> = held.into_iter().map(|h| h.queued).collect();
        again.append(&mut self.waiting);
        again.sort_by_key(|q| q.request.at);
        self.waiting = again;
        self.stopped = None;
    }

    /// Confirms a held number that has no My Page (a second tap): it is sent again as such.
    pub fn confirm_unknown(&mut self, index: usize) {
        if index < self.held.len() {
            let mut held = self.held.remove(index);
            held.queued.request.confirm_unknown = true;
            self.waiting.insert(0, held.queued);
        }
    }

    /// Gives up a held scan (a person decided it must not be recorded).
    pub fn discard(&mut self, index: usize) {
        if index < self.held.len() {
            self.held.remove(index);
        }
    }

    /// Moves everything this device holds into `other` (a helper's scans handed over to the
    /// organizer's queue on the same device); nothing is lost or doubled.
    pub fn hand_over(&mut self, other: &mut DoorQueue) {
        let mine = std::mem::take(self);
        for q in mine
            .waiting
            .into_iter()
            .chain(mine.held.into_iter().map(|h| h.queued))
        {
            if !other
                .waiting
                .iter()
                .any(|o| o.request.client_id == q.request.client_id)
            {
                other.waiting.push(q);
            }
        }
        other.waiting.sort_by_key(|q| q.request.at);
        other.stopped = None;
    }

    /// Scans on the device that the server has not recorded.
    pub fn unsent(&self) -> usize {
        self.waiting.len() + self.held.len()
    }

    /// Who the unsent scans are for.
    pub fn who(&self) -> Vec<String> {
        self.waiting
            .iter()
            .map(Queued::who)
            .chain(self.held.iter().map(|h| h.queued.who()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use domain::sessions::ScanKind;
    use uuid::Uuid;

    use super::*;

    fn scan(n: u128, number: &str, kind: ScanKind, minute: i64) -> Queued {
        Queued {
            request: ScanRequest {
                client_id: Uuid::from_u128(n),
                kind,
                at: DateTime::<Utc>::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap(),
                token: None,
                registry_number: Some(number.into()),
                birth_date: None,
                confirm_unknown: false,
            },
            name: None,
        }
    }

    fn refused(code: &str) -> Outcome {
        Outcome::Refused {
            code: code.into(),
            reason: Message::key("checkin.wrong_day"),
        }
    }

    #[test]
    fn a_recorded_scan_leaves_and_the_next_is_sent() {
        let mut q = DoorQueue::default();
        assert!(q.enqueue(scan(1, "111", ScanKind::In, 0)));
        assert!(q.enqueue(scan(2, "222", ScanKind::In, 1)));
        assert!(q.settle(Outcome::Recorded));
        assert_eq!(q.next().unwrap().request.client_id, Uuid::from_u128(2));
        assert_eq!(q.unsent(), 1);
    }

    #[test]
    fn the_same_person_and_direction_waits_once() {
        let mut q = DoorQueue::default();
        assert!(q.enqueue(scan(1, "111", ScanKind::In, 0)));
        assert!(!q.enqueue(scan(2, "111", ScanKind::In, 0)));
        assert!(q.enqueue(scan(3, "111", ScanKind::Out, 5)));
    }

    #[test]
    fn no_network_keeps_everything_for_the_next_try() {
        let mut q = DoorQueue::default();
        q.enqueue(scan(1, "111", ScanKind::In, 0));
        for status in [0, 500, 503, 429] {
            assert!(!q.settle(Outcome::of(status, None, None)));
            assert_eq!(q.unsent(), 1, "{status}");
        }
    }

    #[test]
    fn a_closed_link_or_an_ended_login_stops_sending_and_loses_nothing() {
        let mut q = DoorQueue::default();
        q.enqueue(scan(1, "111", ScanKind::In, 0));
        q.enqueue(scan(2, "222", ScanKind::In, 1));
        assert!(!q.settle(Outcome::of(401, Some("door_closed"), None)));
        assert_eq!(q.stopped, Some(Stop::DoorClosed));
        assert_eq!(q.unsent(), 2);
        assert!(q.next().is_none(), "nothing is sent while stopped");
        assert_eq!(q.who(), ["111", "222"]);
        let mut signed_out = DoorQueue::default();
        signed_out.enqueue(scan(1, "111", ScanKind::In, 0));
        assert!(!signed_out.settle(Outcome::of(401, Some("unauthenticated"), None)));
        assert_eq!(signed_out.stopped, Some(Stop::SignedOut));
        assert_eq!(signed_out.unsent(), 1);
        // Logged in again: sent.
        signed_out.retry();
        assert!(signed_out.next().is_some());
    }

    #[test]
    fn a_refused_scan_is_kept_aside_with_its_reason_and_the_rest_go_on() {
        let mut q = DoorQueue::default();
        q.enqueue(scan(1, "111", ScanKind::In, 0));
        q.enqueue(scan(2, "222", ScanKind::In, 1));
        assert!(q.settle(refused("unknown_number")));
        assert_eq!(q.held.len(), 1);
        assert_eq!(q.held[0].code, "unknown_number");
        assert!(q.settle(Outcome::Recorded));
        assert_eq!(q.unsent(), 1, "the refused one stays on the device");
        // Confirmed as a number without a My Page: sent again, marked as confirmed.
        q.confirm_unknown(0);
        assert!(q.held.is_empty());
        assert!(q.next().unwrap().request.confirm_unknown);
        // A person may give a held scan up; only then it leaves.
        q.settle(refused("wrong_day"));
        q.discard(0);
        assert_eq!(q.unsent(), 0);
    }

    #[test]
    fn a_helpers_scans_are_handed_over_to_the_organizers_queue_once() {
        let mut helper = DoorQueue::default();
        helper.enqueue(scan(1, "111", ScanKind::In, 0));
        helper.enqueue(scan(2, "222", ScanKind::In, 2));
        helper.settle(Outcome::of(401, Some("door_closed"), None));
        helper.held.push(Held {
            queued: scan(3, "333", ScanKind::In, 1),
            reason: Message::key("checkin.wrong_day"),
            code: "wrong_day".into(),
        });
        let mut organizer = DoorQueue::default();
        organizer.enqueue(scan(2, "222", ScanKind::In, 2));
        helper.hand_over(&mut organizer);
        assert_eq!(helper.unsent(), 0);
        let ids: Vec<u128> = organizer
            .waiting
            .iter()
            .map(|q| q.request.client_id.as_u128())
            .collect();
        assert_eq!(ids, [1, 3, 2], "in the order they were read, none twice");
    }

    #[test]
    fn a_queue_stored_by_an_earlier_build_is_kept() {
        let old = serde_json::to_string(&vec![scan(1, "111", ScanKind::In, 0).request]).unwrap();
        let q = DoorQueue::from_json(&old);
        assert_eq!(q.waiting.len(), 1);
        let round = DoorQueue::from_json(&q.to_json());
        assert_eq!(round, q);
    }
}
