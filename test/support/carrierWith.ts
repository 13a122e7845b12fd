/**
 * A carrier that answers like `inner` except for the calls a test overrides (a recording
 * readdress, a carrier that is down for one parcel...). Every other `CarrierApi` call is
 * delegated, so a test stays correct when the port grows.
 */
import type { CarrierApi } from '../../services/carrier/types';

export function carrierWith(inner: CarrierApi, overrides: Partial<CarrierApi>): CarrierApi {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const own = (overrides as Record<PropertyKey, unknown>)[prop];
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
