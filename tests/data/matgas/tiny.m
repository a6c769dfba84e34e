function mgc = tiny

%% required global data
mgc.gas_specific_gravity         = 0.6;
mgc.specific_heat_capacity_ratio = 1.4;  % unitless
mgc.temperature                  = 288.15;  % K
mgc.compressibility_factor       = 0.8;  % unitless
mgc.units                        = 'si';
mgc.gas_molar_mass               = 0.0180488790169; % kg/mol
mgc.R                            = 8.314;  % J/(mol K)
mgc.base_pressure                = 8101325;  % Pa
mgc.is_per_unit                  = 0;

%% junction data
% id	p_min	p_max	p_nominal	junction_type	status	pipeline_name	edi_id	lat	lon
mgc.junction = [
1	2000000	8000000	5000000	0	1	'tiny'	1	0	0
2	2000000	8000000	5000000	0	1	'tiny'	2	0	0
3	2000000	8000000	5000000	0	1	'tiny'	3	0	0
4	2000000	8000000	5000000	0	1	'tiny'	4	0	0
5	2000000	8000000	5000000	0	0	'tiny'	5	0	0
];

%% pipe data
% id	fr_junction	to_junction	diameter	length	friction_factor	p_min	p_max	status
mgc.pipe = [
10	1	2	0.5	20000	0.01	2000000	8000000	1
11	3	4	0.4	10000	0.012	2000000	8000000	1
];

%% resistor data
% id	fr_junction	to_junction	drag	diameter	status
mgc.resistor = [
20	2	3	20	0.5	1
];

%% receipt data
% id	junction_id	injection_min	injection_max	injection_nominal	is_dispatchable	status
mgc.receipt = [
1	1	0	100	40	0	1
2	3	0	100	5	0	1
];

%% delivery data
% id	junction_id	withdrawal_min	withdrawal_max	withdrawal_nominal	is_dispatchable	status
mgc.delivery = [
1	4	0	100	25	0	1
2	3	0	100	15	0	1
];

end
