/**
 * The texts the sandbox carrier puts in its SMS. They stand in for the carrier's own SMS (a real
 * carrier writes its own), so they live with the sandbox, not in LockerDesk's message files.
 */
import type { Lang } from '../../i18n/langs';

export function codeSms(lang: Lang, code: string, minutes: number): string {
  switch (lang) {
    case 'en':
      return `Your parcel verification code: ${code}. Valid for ${minutes} min. Never share it with anyone.`;
    case 'ru':
      return `Код подтверждения для посылки: ${code}. Действует ${minutes} мин. Никому его не сообщайте.`;
    default:
      return `Siuntos patvirtinimo kodas: ${code}. Galioja ${minutes} min. Niekam jo nesakykite.`;
  }
}

export function pickupSms(trackingNumber: string, lockerName: string, pickupCode: string, deadline?: string): string {
  const until = deadline ? ` Atsiimkite iki ${deadline.slice(0, 10)}.` : '';
  return `Siunta ${trackingNumber} laukia paštomate „${lockerName}“. Atsiėmimo kodas: ${pickupCode}.${until}`;
}
