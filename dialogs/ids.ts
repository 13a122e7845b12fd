/** Dialog ids, exported so parents and tests never repeat string literals. */
export const MAIN_DIALOG = 'main';
export const READDRESS_DIALOG = 'readdress';
export const FIX_PHONE_DIALOG = 'fixPhone';
export const NO_SMS_DIALOG = 'noSms';
export const FIND_TRACKING_DIALOG = 'findTracking';
export const TRACK_DIALOG = 'track';
export const ESCALATE_DIALOG = 'escalate';
export const PARCEL_ACCESS_DIALOG = 'parcelAccess';
export const LOCKER_PICKER_DIALOG = 'lockerPicker';
export const CLARIFY_DIALOG = 'clarify';
export const OFFER_PERSON_DIALOG = 'offerPerson';
export const PROOF_DIALOG = 'proof';
export const RATING_DIALOG = 'rating';
