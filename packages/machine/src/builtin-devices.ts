import { debugConsolePlugin, exitPortPlugin, postCodesPlugin } from "@ringlab/devices-debug";
import { fpuErrorLatchPlugin } from "@ringlab/devices-fpu-error";
import { fwCfgPlugin } from "@ringlab/devices-fw-cfg";
import { i8042Plugin, port92Plugin } from "@ringlab/devices-i8042";
import { i440fxPlugin, piix3Plugin } from "@ringlab/devices-pci";
import { picPlugin } from "@ringlab/devices-pic";
import { pitPlugin } from "@ringlab/devices-pit";
import { rtcPlugin } from "@ringlab/devices-rtc";
import { uartPlugin } from "@ringlab/devices-uart";
import { vgaPlugin } from "@ringlab/devices-vga";
import type { DevicePlugin } from "@ringlab/sdk";
import { DeviceRegistry } from "./device-registry.js";

/** The device plugins that ship with ringlab. */
export const builtinDevices: readonly DevicePlugin[] = [
  picPlugin,
  pitPlugin,
  vgaPlugin,
  debugConsolePlugin,
  exitPortPlugin,
  postCodesPlugin,
  uartPlugin,
  rtcPlugin,
  fpuErrorLatchPlugin,
  fwCfgPlugin,
  i8042Plugin,
  port92Plugin,
  i440fxPlugin,
  piix3Plugin,
];

/** A registry holding the built-in plugins (a new one each call: registries are per use). */
export function builtinRegistry(): DeviceRegistry {
  return new DeviceRegistry(builtinDevices);
}
