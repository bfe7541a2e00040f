//! Tests of the rules, against the operations with a store in a temporary
//! folder and cheap password hashes: no process, no real argon2 cost.
