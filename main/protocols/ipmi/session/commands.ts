// The IPMI commands a session offers as methods: thin wrappers over ../commands/*, which work on
// any IpmiRequester (a session, or a fake in unit tests).
import { getBootFlags, setBootDevice, type BootFlags, type BootFlagsState } from '../commands/boot';
import {
  chassisControl,
  chassisIdentify,
  getChassisStatus,
  type ChassisControlAction,
  type ChassisStatus,
  type IdentifyOptions,
} from '../commands/chassis';
import { getDeviceId, type DeviceId } from '../commands/device';
import { readSdrRepository, readSensors, type ReadSensorsOptions, type SdrRecord, type SdrWalkOptions, type SensorReading } from '../commands/sdr';
import { clearSel, getSelEntries, getSelInfo, type SelEntry, type SelInfo, type SelReadOptions } from '../commands/sel';
import type { IpmiRequester, IpmiRequestOptions, RawResponse } from '../types';

type RequestOpts = IpmiRequestOptions & { lun?: number; what?: string };

export abstract class SessionCommands implements IpmiRequester {
  abstract readonly target: string;
  abstract request(netFn: number, cmd: number, data?: Buffer | number[], opts?: RequestOpts): Promise<Buffer>;
  abstract rawRequest(netFn: number, cmd: number, data?: Buffer | number[], opts?: RequestOpts): Promise<RawResponse>;

  deviceId(opts?: IpmiRequestOptions): Promise<DeviceId> {
    return getDeviceId(this, opts);
  }

  chassisStatus(opts?: IpmiRequestOptions): Promise<ChassisStatus> {
    return getChassisStatus(this, opts);
  }

  chassisControl(action: ChassisControlAction, opts?: IpmiRequestOptions): Promise<void> {
    return chassisControl(this, action, opts);
  }

  identify(o?: IdentifyOptions, opts?: IpmiRequestOptions): Promise<void> {
    return chassisIdentify(this, o, opts);
  }

  setBootDevice(f: BootFlags, opts?: IpmiRequestOptions): Promise<void> {
    return setBootDevice(this, f, opts);
  }

  bootFlags(opts?: IpmiRequestOptions): Promise<BootFlagsState> {
    return getBootFlags(this, opts);
  }

  sdrRecords(o?: SdrWalkOptions): Promise<SdrRecord[]> {
    return readSdrRepository(this, o);
  }

  sensors(o?: ReadSensorsOptions): Promise<SensorReading[]> {
    return readSensors(this, o);
  }

  selInfo(opts?: IpmiRequestOptions): Promise<SelInfo> {
    return getSelInfo(this, opts);
  }

  selEntries(o?: SelReadOptions): Promise<SelEntry[]> {
    return getSelEntries(this, o);
  }

  clearSel(opts?: IpmiRequestOptions): Promise<void> {
    return clearSel(this, opts);
  }
}
