/**
 * Events of the Oracle pallet: past tense, named fields.
 */
import { enumeration, fields, u128, u32, vec } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';
import { MAX_FEEDERS } from './math.js';
import { OracleParams } from './types.js';

/** Events of Oracle. */
export const OracleEvents = enumeration(
  ['pallet_oracle', 'pallet', 'Event'],
  {
    Fed: fields({ feeder: AccountId32, price: u128 }, { typeName: { price: 'FixedU128' } }),
    PriceUnavailable: fields({ fresh: u32, required: u32 }),
    FeedersChanged: fields({ feeders: vec(AccountId32, MAX_FEEDERS) }),
    ParamsChanged: fields({ params: OracleParams }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Fed: ['A feeder recorded a price (FixedU128, UDST per XFG) at the block time.'],
      PriceUnavailable: ['The price was read but fewer than `required` fresh values exist (`fresh`): credit fails closed.'],
      FeedersChanged: ['Governance replaced the feeder set.'],
      ParamsChanged: ['Governance changed the parameters.'],
    },
  },
);

/** Typed constructor of Oracle events. */
export const oracleEvent = eventFactory('Oracle', OracleEvents);
