// Resource bodies shaped like the DMTF public-rackmount1 mockup (service root, SessionService,
// one ComputerSystem with the Reset action, one Chassis with Thermal and Power), rebuilt from
// the server's state on every GET. Written for these tests; not a copy of the mockup files.

export type PowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';

export interface BootState {
  BootSourceOverrideTarget: string;
  BootSourceOverrideEnabled: string;
  BootSourceOverrideMode: string;
}

export interface MockState {
  powerState: PowerState;
  boot: BootState;
  /** Bumped on every change of the ComputerSystem; the ETag is W/"<version>". */
  version: number;
  allowedResetTypes: string[];
  resetInfo: 'inline' | 'actionInfo';
}

export const BOOT_TARGET_VALUES = ['None', 'Pxe', 'Cd', 'Usb', 'Hdd', 'BiosSetup', 'Utilities', 'Diags', 'UefiTarget'];
export const BOOT_ENABLED_VALUES = ['Disabled', 'Once', 'Continuous'];
export const BOOT_MODE_VALUES = ['UEFI', 'Legacy'];
export const DEFAULT_RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'GracefulRestart', 'ForceRestart', 'Nmi', 'PowerCycle'];

export const P = {
  root: '/redfish/v1',
  sessionService: '/redfish/v1/SessionService',
  sessions: '/redfish/v1/SessionService/Sessions',
  systems: '/redfish/v1/Systems',
  system: '/redfish/v1/Systems/1',
  reset: '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset',
  resetInfo: '/redfish/v1/Systems/1/ResetActionInfo',
  chassisCollection: '/redfish/v1/Chassis',
  chassis: '/redfish/v1/Chassis/1',
  thermal: '/redfish/v1/Chassis/1/Thermal',
  power: '/redfish/v1/Chassis/1/Power',
  managers: '/redfish/v1/Managers',
  manager: '/redfish/v1/Managers/BMC',
};

export const etagOf = (state: MockState): string => `W/"${state.version}"`;

const link = (path: string) => ({ '@odata.id': path });
const collection = (type: string, name: string, path: string, members: string[]) => ({
  '@odata.type': `#${type}.${type}`,
  '@odata.id': path,
  Name: name,
  'Members@odata.count': members.length,
  Members: members.map(link),
});

export function serviceRoot() {
  return {
    '@odata.type': '#ServiceRoot.v1_11_0.ServiceRoot',
    '@odata.id': '/redfish/v1/',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.15.0',
    UUID: '92384634-2938-2342-8820-489239905423',
    Systems: link(P.systems),
    Chassis: link(P.chassisCollection),
    Managers: link(P.managers),
    SessionService: link(P.sessionService),
    Links: { Sessions: link(P.sessions) },
  };
}

export function sessionService() {
  return {
    '@odata.type': '#SessionService.v1_1_8.SessionService',
    '@odata.id': P.sessionService,
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: 30,
    Sessions: link(P.sessions),
  };
}

export const sessionCollection = (ids: string[]) =>
  collection('SessionCollection', 'Session Collection', P.sessions, ids.map((id) => `${P.sessions}/${id}`));

export function session(id: string, userName: string) {
  return {
    '@odata.type': '#Session.v1_5_0.Session',
    '@odata.id': `${P.sessions}/${id}`,
    Id: id,
    Name: 'User Session',
    UserName: userName,
  };
}

export const systemCollection = () => collection('ComputerSystemCollection', 'Computer System Collection', P.systems, [P.system]);

export function computerSystem(state: MockState) {
  const reset: Record<string, unknown> = { target: P.reset };
  if (state.resetInfo === 'inline') reset['ResetType@Redfish.AllowableValues'] = state.allowedResetTypes;
  else reset['@Redfish.ActionInfo'] = P.resetInfo;
  return {
    '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    '@odata.id': P.system,
    '@odata.etag': etagOf(state),
    Id: '1',
    Name: 'WebFrontEnd483',
    SystemType: 'Physical',
    AssetTag: 'Chicago-45Z-2381',
    Manufacturer: 'Contoso',
    Model: '3500RX',
    SerialNumber: '437XR1138R2',
    PartNumber: '224071-J23',
    UUID: '38947555-7742-3448-3784-823347823834',
    HostName: 'web483',
    BiosVersion: 'P79 v1.45 (12/06/2017)',
    Status: { State: 'Enabled', Health: 'OK' },
    IndicatorLED: 'Off',
    PowerState: state.powerState,
    Boot: {
      ...state.boot,
      'BootSourceOverrideTarget@Redfish.AllowableValues': BOOT_TARGET_VALUES,
      'BootSourceOverrideMode@Redfish.AllowableValues': BOOT_MODE_VALUES,
    },
    ProcessorSummary: { Count: 2, Model: 'Multi-Core Intel(R) Xeon(R) processor 7xxx Series', Status: { State: 'Enabled', Health: 'OK' } },
    MemorySummary: { TotalSystemMemoryGiB: 96, Status: { State: 'Enabled', Health: 'OK' } },
    Links: { Chassis: [link(P.chassis)], ManagedBy: [link(P.manager)] },
    Actions: { '#ComputerSystem.Reset': reset },
  };
}

export function resetActionInfo(state: MockState) {
  return {
    '@odata.type': '#ActionInfo.v1_3_0.ActionInfo',
    '@odata.id': P.resetInfo,
    Id: 'ResetActionInfo',
    Name: 'Reset Action Info',
    Parameters: [{ Name: 'ResetType', Required: true, DataType: 'String', AllowableValues: state.allowedResetTypes }],
  };
}

export const chassisCollection = () => collection('ChassisCollection', 'Chassis Collection', P.chassisCollection, [P.chassis]);

export function chassis(state: MockState) {
  return {
    '@odata.type': '#Chassis.v1_14_0.Chassis',
    '@odata.id': P.chassis,
    Id: '1',
    Name: 'Computer System Chassis',
    ChassisType: 'RackMount',
    Manufacturer: 'Contoso',
    Model: '3500RX',
    PowerState: state.powerState,
    Status: { State: 'Enabled', Health: 'OK' },
    Thermal: link(P.thermal),
    Power: link(P.power),
    Links: { ComputerSystems: [link(P.system)], ManagedBy: [link(P.manager)] },
  };
}

export function thermal(state: MockState) {
  const on = state.powerState === 'On';
  return {
    '@odata.type': '#Thermal.v1_7_0.Thermal',
    '@odata.id': P.thermal,
    Id: 'Thermal',
    Name: 'Thermal',
    Temperatures: [
      {
        '@odata.id': `${P.thermal}#/Temperatures/0`,
        MemberId: '0',
        Name: 'CPU1 Temp',
        SensorNumber: 5,
        Status: { State: 'Enabled', Health: 'OK' },
        ReadingCelsius: on ? 41 : 22,
        UpperThresholdCritical: 100,
        PhysicalContext: 'CPU',
      },
      {
        '@odata.id': `${P.thermal}#/Temperatures/1`,
        MemberId: '1',
        Name: 'CPU2 Temp',
        SensorNumber: 6,
        Status: { State: 'Absent' },
        ReadingCelsius: null,
        PhysicalContext: 'CPU',
      },
      {
        '@odata.id': `${P.thermal}#/Temperatures/2`,
        MemberId: '2',
        Name: 'Chassis Intake Temp',
        SensorNumber: 9,
        Status: { State: 'Enabled', Health: 'Warning' },
        ReadingCelsius: 39,
        UpperThresholdNonCritical: 38,
        PhysicalContext: 'Intake',
      },
    ],
    Fans: [
      {
        '@odata.id': `${P.thermal}#/Fans/0`,
        MemberId: '0',
        Name: 'BaseBoard System Fan',
        PhysicalContext: 'Backplane',
        Status: { State: 'Enabled', Health: 'OK' },
        Reading: on ? 2100 : 0,
        ReadingUnits: 'RPM',
      },
      {
        '@odata.id': `${P.thermal}#/Fans/1`,
        MemberId: '1',
        Name: 'BaseBoard System Fan Backup',
        PhysicalContext: 'Backplane',
        Status: { State: 'Enabled', Health: 'Critical' },
        Reading: 30,
        ReadingUnits: 'Percent',
      },
    ],
  };
}

export function power(state: MockState) {
  const on = state.powerState === 'On';
  return {
    '@odata.type': '#Power.v1_7_0.Power',
    '@odata.id': P.power,
    Id: 'Power',
    Name: 'Power',
    PowerControl: [
      {
        '@odata.id': `${P.power}#/PowerControl/0`,
        MemberId: '0',
        Name: 'System Power Control',
        PowerConsumedWatts: on ? 344 : 8,
        PowerCapacityWatts: 800,
        Status: { State: 'Enabled', Health: 'OK' },
      },
    ],
    Voltages: [
      {
        '@odata.id': `${P.power}#/Voltages/0`,
        MemberId: '0',
        Name: 'VRM1 Voltage',
        SensorNumber: 11,
        Status: { State: 'Enabled', Health: 'OK' },
        ReadingVolts: 12,
        PhysicalContext: 'VoltageRegulator',
      },
      {
        '@odata.id': `${P.power}#/Voltages/1`,
        MemberId: '1',
        Name: 'VRM2 Voltage',
        SensorNumber: 12,
        Status: { State: 'Enabled', Health: 'OK' },
        ReadingVolts: 5,
        PhysicalContext: 'VoltageRegulator',
      },
    ],
  };
}

export const managerCollection = () => collection('ManagerCollection', 'Manager Collection', P.managers, [P.manager]);

export function manager() {
  return {
    '@odata.type': '#Manager.v1_10_0.Manager',
    '@odata.id': P.manager,
    Id: 'BMC',
    Name: 'Manager',
    ManagerType: 'BMC',
    FirmwareVersion: '1.00',
    Status: { State: 'Enabled', Health: 'OK' },
  };
}

/** A Redfish error body with one `@Message.ExtendedInfo` entry from the Base registry. */
export function errorBody(messageId: string, message: string, args: string[] = [], resolution = 'None.') {
  return {
    error: {
      code: 'Base.1.16.GeneralError',
      message: 'A general error has occurred. See ExtendedInfo for more information.',
      '@Message.ExtendedInfo': [
        {
          '@odata.type': '#Message.v1_1_1.Message',
          MessageId: `Base.1.16.${messageId}`,
          Message: message,
          MessageArgs: args,
          Severity: 'Critical',
          MessageSeverity: 'Critical',
          Resolution: resolution,
        },
      ],
    },
  };
}
